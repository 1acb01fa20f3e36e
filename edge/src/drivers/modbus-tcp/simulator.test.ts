/**
 * The plant simulator as a separate process serving one Modbus map over RTU (a socat pty) and
 * over TCP: the modbus-rtu and modbus-tcp drivers read the same values from it, and the TCP
 * driver comes back by itself after the simulator is killed and started again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../../../test/services/socat.ts';
import { freePort, waitFor } from '../../../../test/services/util.ts';
import type { RecordLine } from '../../../../test/simulator/record.ts';
import { demoSensors } from '../../../../test/simulator/sensors.ts';
import { type Proc, startNode } from '../../../../test/support/process.ts';
import { createTelemetry } from '../../telemetry.ts';
import type { Driver, Sample } from '../driver.ts';
import { create as createRtu } from '../modbus-rtu/modbus-rtu.ts';
import { create as createTcp } from './modbus-tcp.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});
const until = (check: () => boolean, ms: number, what: string) =>
  waitFor(check, ms, () => `timed out waiting for ${what}`);

function simulator(dir: string, args: string[]): Proc {
  const sim = startNode('simulator', 'test/simulator/main.ts', [...args, '--seed', '5', '--local-start-hour', '9'], {
    nodeArgs: ['--import', 'tsx'],
    logFile: join(dir, 'simulator.log'),
  });
  cleanups.push(() => sim.kill9());
  return sim;
}

function reader(make: typeof createRtu | typeof createTcp, sensors: SensorConfig[]) {
  const got: Sample[] = [];
  const driver: Driver = make(sensors, {
    emit: async (s) => {
      got.push(...s);
    },
    telemetry: createTelemetry({ logger: pino({ level: 'silent' }) }),
    clock: Date.now,
    retry: { baseMs: 50, maxMs: 200 },
  });
  cleanups.push(() => driver.stop());
  const last = (id: string) => got.filter((s) => s.sensor === id).at(-1)?.raw;
  return { driver, got, last };
}

const modbusOnly = (list: ReturnType<typeof demoSensors>, driver: string) =>
  list.filter((s) => s.source.driver === driver).map((s) => SensorConfig.parse({ ...s, interval: '200ms' }));

it('modbus-rtu (socat pty) and modbus-tcp read the same values from one simulator map; tcp reconnects after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-mbtcp-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pair: PtyPair = await startPtyPair();
  cleanups.push(() => pair.stop());
  const port = await freePort();
  const record = join(dir, 'sent.jsonl');
  // One tick at start and none after (rate 1 h): the map holds still while both drivers read it;
  // 09:00 local, so the plant runs and its three flows differ.
  const sim = simulator(dir, [
    '--modbus',
    pair.b,
    '--modbus-tcp',
    String(port),
    '--rate-ms',
    '3600000',
    '--record',
    record,
  ]);
  await until(
    () => /modbus-tcp: unit 1 on 127\.0\.0\.1:\d+/.test(sim.log()),
    15_000,
    `the simulator; log:\n${sim.log()}`,
  );

  const rtuSensors = modbusOnly(demoSensors({ modbusPort: pair.a }), 'modbus-rtu');
  const tcpSensors = modbusOnly(demoSensors({ modbusTcp: { host: '127.0.0.1', port } }), 'modbus-tcp');
  const ids = rtuSensors.map((s) => s.id);
  expect(ids).toHaveLength(3);
  expect(tcpSensors.map((s) => s.id)).toEqual(ids);
  const rtu = reader(createRtu, rtuSensors);
  const tcp = reader(createTcp, tcpSensors);
  await Promise.all([rtu.driver.start(), tcp.driver.start()]);
  await until(
    () => ids.every((id) => rtu.last(id) !== undefined && tcp.last(id) !== undefined),
    10_000,
    'both drivers',
  );

  const sent = readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordLine);
  const sentOf = (id: string) => sent.find((r) => r.sensor === id)?.value;
  for (const id of ids) {
    const value = sentOf(id);
    expect(value, id).toBeTypeOf('number');
    expect(rtu.last(id), id).toBe(value);
    expect(tcp.last(id), id).toBe(value);
  }
  // As many different values as the simulator wrote, not one register read three times. The map
  // holds register-sized numbers, so two sensors can hold the same value at a given moment (seen
  // once in a full run): compare with what was written rather than assume three.
  const values = new Set(ids.map((id) => tcp.last(id)));
  const written = new Set(ids.map(sentOf));
  expect(written.size, 'the simulator wrote more than one value').toBeGreaterThan(1);
  expect(values.size, 'different values, not one register read three times').toBe(written.size);

  // A power cut of the simulator: the TCP driver says so, then comes back on its own.
  await sim.kill9();
  await until(() => tcp.driver.status().state === 'retrying', 5000, 'the lost connection in /status');
  expect(tcp.driver.status().detail).toContain(`127.0.0.1:${port}`);
  const before = tcp.got.length;
  simulator(dir, ['--modbus-tcp', String(port), '--rate-ms', '3600000']);
  await until(() => tcp.got.length >= before + 6, 20_000, 'readings after the simulator restarted');
  expect(tcp.driver.status().state).toBe('ok');
});
