import { createServer, type Server } from 'node:net';
import { type ModbusTcpSource, SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../../test/services/util.ts';
import { createRegisterMap, startModbusTcpGateway } from '../../../../test/simulator/transports/modbus.ts';
import { createTelemetry, type Telemetry } from '../../telemetry.ts';
import type { Sample } from '../driver.ts';
import { create, type ModbusTcpDriver } from './modbus-tcp.ts';

type Source = Partial<Omit<ModbusTcpSource, 'driver' | 'timeout'>> & { timeout?: string };
const sensor = (id: string, port: number, source: Source, interval = '100ms') =>
  SensorConfig.parse({
    id,
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    interval,
    source: { driver: 'modbus-tcp', host: '127.0.0.1', port, unit_id: 1, register: 0, type: 'float32', ...source },
  });

const until = (check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition') =>
  waitFor(check, ms, () => `timed out waiting for ${what}`, 20);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let telemetry: Telemetry;
let samples: Sample[];
const cleanups: (() => Promise<unknown>)[] = [];
const of = (id: string) => samples.filter((s) => s.sensor === id);
const errorCount = async (code: string) => {
  const metric = await telemetry.registry.getSingleMetric('vigia_errors_total')?.get();
  return (metric?.values ?? []).filter((v) => v.labels.code === code).reduce((n, v) => n + v.value, 0);
};

function make(sensors: SensorConfig[]): ModbusTcpDriver {
  const driver = create(sensors, {
    emit: async (s) => {
      samples.push(...s);
    },
    telemetry,
    clock: Date.now,
    retry: { baseMs: 50, maxMs: 200 },
  });
  cleanups.push(() => driver.stop());
  return driver;
}

/** A gateway: unit 1 holds 12.5 at register 0, unit 2 never answers, unit 3 gets exception 11 (target failed). */
async function gateway(port: number) {
  const map = createRegisterMap();
  map.setFloat32(0, 12.5);
  const gw = await startModbusTcpGateway({ port, units: { 1: map, 2: 'silent', 3: { exception: 0x0b } } });
  cleanups.push(() => gw.stop());
  return gw;
}

beforeEach(() => {
  telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  samples = [];
});
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups.length = 0;
});

describe('modbus-tcp driver against real sockets', () => {
  it('a dead unit (silent, or a gateway exception 11) behind a live host: the live unit keeps its cadence', async () => {
    const port = await freePort();
    await gateway(port);
    const driver = make([
      sensor('live', port, { unit_id: 1 }),
      sensor('silent', port, { unit_id: 2, timeout: '150ms' }),
      sensor('gone', port, { unit_id: 3 }),
    ]);
    await driver.start();
    await until(() => of('live').length > 0, 3000, 'the live unit');
    const from = of('live').length;
    const t0 = Date.now();
    await pause(3000);
    const rate = (of('live').length - from) / ((Date.now() - t0) / 100);
    // 100 ms interval: about 30 polls in 3 s. A dead unit costs one 150 ms timeout per backoff
    // period (1 s, 2 s, …), so the live unit keeps nearly all its slots (measured: 0.97). The
    // backoff itself is checked by the dead units' counts below.
    expect(rate).toBeGreaterThan(0.7);
    expect(of('live').every((s) => s.raw === 12.5)).toBe(true);
    expect(of('silent')).toEqual([]);
    expect(of('gone')).toEqual([]);
    const counts = driver.unitCounts();
    expect(counts.get(2)?.timeout).toBeGreaterThanOrEqual(2);
    expect(counts.get(2)?.timeout).toBeLessThan(8); // backed off, not polled every 100 ms
    expect(counts.get(3)?.exception).toBeGreaterThanOrEqual(2);
    expect(counts.get(3)?.exception).toBeLessThan(8);
    expect(await errorCount('modbus_timeout')).toBe(counts.get(2)?.timeout);
    expect(driver.status()).toMatchObject({ state: 'retrying' });
    expect(driver.status().detail).toContain('la unidad 2 no responde en 127.0.0.1');
    expect(driver.status().detail).toContain('excepción 11');
  });

  it('probe through the running connection, between polls: a value, a silent unit (504), a gateway exception, in words', async () => {
    const port = await freePort();
    await gateway(port);
    const driver = make([sensor('live', port, { unit_id: 1 })]);
    await driver.start();
    await until(() => of('live').length > 0, 3000, 'the live unit');
    const probe = (source: Source) => driver.probe!(sensor('x.probe', port, source).source);
    expect(await probe({ unit_id: 1, register: 0, type: 'float32' })).toEqual({ raw: 12.5 });
    await expect(probe({ unit_id: 2, timeout: '150ms' })).rejects.toMatchObject({
      status: 504,
      message: expect.stringContaining('la unidad 2 no responde en 127.0.0.1'),
    });
    await expect(probe({ unit_id: 3 })).rejects.toMatchObject({
      status: 504,
      message: expect.stringContaining('excepción 11'),
    });
    const before = of('live').length;
    await pause(400);
    expect(of('live').length).toBeGreaterThan(before); // polling went on
    await driver.stop();
    await expect(probe({ unit_id: 1 })).rejects.toMatchObject({ status: 409 });
  });

  it('a reply that comes after its timeout is dropped as stray, never taken for the next answer', async () => {
    const port = await freePort();
    const live = createRegisterMap();
    live.setFloat32(0, 1.5);
    const slow = createRegisterMap();
    slow.setFloat32(0, 999);
    const gw = await startModbusTcpGateway({ port, units: { 1: live, 4: { late: slow, delayMs: 250 } } });
    cleanups.push(() => gw.stop());
    const driver = make([
      sensor('live', port, { unit_id: 1 }, '50ms'),
      sensor('slow', port, { unit_id: 4, timeout: '100ms' }),
    ]);
    await driver.start();
    await until(async () => (await errorCount('modbus_stray')) >= 2, 5000, 'late replies');
    await until(() => of('live').length >= 10, 5000, 'live readings');
    expect(of('live').map((s) => s.raw)).toEqual(of('live').map(() => 1.5));
    expect(of('slow')).toEqual([]);
    expect(driver.unitCounts().get(4)?.timeout).toBeGreaterThanOrEqual(2);
  });

  it('a dead host (connection refused, or accepted and never answered) does not slow another host', async () => {
    const livePort = await freePort();
    await gateway(livePort);
    const refusedPort = await freePort(); // nothing listens there
    const mutePort = await freePort();
    const mute: Server = createServer((s) => s.resume()); // accepts, reads, never answers
    await new Promise<void>((r) => mute.listen(mutePort, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => mute.close(r)));
    const live = make([sensor('live', livePort, {})]);
    const refused = make([sensor('refused', refusedPort, {})]);
    const silent = make([sensor('mute', mutePort, { timeout: '300ms' })]);
    await Promise.all([live.start(), refused.start(), silent.start()]);
    expect(refused.status().state).toBe('retrying');
    expect(refused.status().detail).toContain(`127.0.0.1:${refusedPort} rechaza la conexión`);
    await until(() => of('live').length > 0, 3000, 'the live host');
    const from = of('live').length;
    const t0 = Date.now();
    await pause(2000);
    // Share of the 100 ms slots the live host kept. A host waiting behind the mute one would keep
    // at most one per 300 ms timeout (≤ 0.33); 0.5 leaves room for a loaded 2-core machine (0.69 seen).
    expect((of('live').length - from) / ((Date.now() - t0) / 100)).toBeGreaterThan(0.5);
    expect(of('refused')).toEqual([]);
    expect(of('mute')).toEqual([]);
    expect(silent.unitCounts().get(1)?.timeout).toBeGreaterThanOrEqual(2);
    expect(await errorCount('econnrefused')).toBeGreaterThanOrEqual(2); // it keeps trying
  });

  it('reconnects by itself when the device comes back, and emits nothing after stop', async () => {
    const port = await freePort();
    const first = await gateway(port);
    const driver = make([sensor('live', port, {})]);
    await driver.start();
    await until(() => of('live').length > 0, 3000, 'first readings');
    await first.stop(); // the device powers off: listener and open connection gone
    await until(() => driver.status().state === 'retrying', 3000, 'the lost connection to show');
    const before = of('live').length;
    await pause(300);
    await gateway(port);
    await until(() => of('live').length > before + 3, 5000, 'readings after the device came back');
    expect(driver.status().state).toBe('ok');
    await driver.stop();
    const after = samples.length;
    await pause(300);
    expect(samples.length).toBe(after);
  });
});
