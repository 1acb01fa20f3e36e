import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModbusRtuSource, SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../../../test/services/socat.ts';
import { waitFor } from '../../../../test/services/util.ts';
import { type ModbusSlave, startModbusSlave } from '../../../../test/simulator/transports/modbus.ts';
import { createTelemetry, type Telemetry } from '../../telemetry.ts';
import type { Sample } from '../driver.ts';
import { create, DEFAULT_TUNING, type ModbusRtuDriver } from './modbus-rtu.ts';
import { startTestSlave, type TestSlave, type TestUnit } from './test-slave.ts';

type Source = Partial<Omit<ModbusRtuSource, 'driver' | 'port'>>;
const sensor = (id: string, port: string, source: Source, interval = '100ms') =>
  SensorConfig.parse({
    id,
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    interval,
    source: { driver: 'modbus-rtu', port, unit_id: 1, register: 0, ...source },
  });

/** Registers as a device would hold `value`, built with Buffer (independent of decode.ts). */
function words(value: number, type: ModbusRtuSource['type'], order: 'big' | 'little'): number[] {
  const b = Buffer.alloc(4);
  if (type === 'int16') b.writeInt16BE(value);
  if (type === 'uint16') b.writeUInt16BE(value);
  if (type === 'int16' || type === 'uint16') return [b.readUInt16BE(0)];
  if (type === 'int32') b.writeInt32BE(value);
  else if (type === 'uint32') b.writeUInt32BE(value);
  else b.writeFloatBE(value);
  const w = [b.readUInt16BE(0), b.readUInt16BE(2)];
  return order === 'little' ? w.reverse() : w;
}

const until = (check: () => boolean, ms = 5000, what = 'condition') =>
  waitFor(check, ms, () => `timed out waiting for ${what}`, 20);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let telemetry: Telemetry;
let samples: Sample[];
let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];
const of = (id: string) => samples.filter((s) => s.sensor === id);
const errorCount = async (code: string) => {
  const metric = await telemetry.registry.getSingleMetric('vigia_errors_total')?.get();
  return (metric?.values ?? []).filter((v) => v.labels.code === code).reduce((n, v) => n + v.value, 0);
};

function make(sensors: SensorConfig[]): ModbusRtuDriver {
  const driver = create(sensors, {
    emit: async (s) => {
      samples.push(...s);
    },
    telemetry,
    clock: Date.now,
    retry: { baseMs: 20, maxMs: 50 },
  });
  cleanups.push(() => driver.stop());
  return driver;
}
async function pair(): Promise<PtyPair> {
  const p = await startPtyPair();
  cleanups.push(() => p.stop());
  return p;
}
async function serverSerial(path: string): Promise<ModbusSlave> {
  const s = await startModbusSlave(path, 1);
  cleanups.push(() => s.stop());
  return s;
}
async function testSlave(path: string, units: [number, TestUnit][]): Promise<TestSlave> {
  const s = await startTestSlave(path, new Map(units));
  cleanups.push(() => s.stop());
  return s;
}

beforeEach(() => {
  telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  samples = [];
  dir = mkdtempSync(join(tmpdir(), 'vigia-modbus-'));
});
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe('modbus-rtu driver (socat pty pairs)', () => {
  it("reads every type and word order, holding and input, from modbus-serial's ServerSerial; nothing after stop", async () => {
    const { a, b } = await pair();
    const slave = await serverSerial(b);
    const cases: [string, Source, number][] = [
      ['plant.a_int16', { type: 'int16', register: 0 }, -1234],
      ['plant.b_uint16', { type: 'uint16', register: 1 }, 65000],
      ['plant.c_int32_big', { type: 'int32', word_order: 'big', register: 2 }, -100_000],
      ['plant.d_int32_little', { type: 'int32', word_order: 'little', register: 4 }, -2_000_000],
      ['plant.e_uint32_big', { type: 'uint32', word_order: 'big', register: 6 }, 3_000_000_000],
      ['plant.f_uint32_little', { type: 'uint32', word_order: 'little', register: 8 }, 123_456_789],
      ['plant.g_float32_big', { type: 'float32', word_order: 'big', register: 10 }, 12.345],
      ['plant.h_float32_little', { type: 'float32', word_order: 'little', register: 12 }, -0.00325],
      ['plant.i_float32_input', { type: 'float32', word_order: 'little', function: 'input', register: 14 }, 987.6],
    ];
    for (const [, src, value] of cases)
      slave.registers.set(words(value, src.type ?? 'uint16', src.word_order ?? 'big'), src.register);
    const driver = make(cases.map(([id, src]) => sensor(id, a, src)));
    const t0 = Date.now();
    await driver.start();
    await until(() => cases.every(([id]) => of(id).length >= 2), 5000, 'two readings of every sensor');
    for (const [id, src, value] of cases) {
      const first = of(id)[0];
      expect(first.raw, id).toBe(src.type === 'float32' ? Math.fround(value) : value);
      expect(first.ts).toBeGreaterThanOrEqual(t0);
      expect(first.ts).toBeLessThanOrEqual(Date.now());
    }
    expect(driver.status()).toMatchObject({ state: 'ok', detail: `leyendo ${a} (unidades 1)` });
    await driver.stop();
    const count = samples.length;
    await pause(300);
    expect(samples.length).toBe(count);
    expect(driver.status().state).toBe('stopped');
  });

  it('one dead unit among three: the live ones keep their cadence, the dead one is backed off and counted', async () => {
    const { a, b } = await pair();
    const slave = await testSlave(b, [
      [1, { registers: Uint16Array.from(words(21.5, 'float32', 'big')) }],
      [2, { registers: Uint16Array.from([742]) }],
    ]);
    const driver = make([
      sensor('plant.u1', a, { unit_id: 1, type: 'float32' }, '200ms'),
      sensor('plant.u2', a, { unit_id: 2, type: 'uint16' }, '200ms'),
      sensor('plant.u3', a, { unit_id: 3, type: 'float32' }, '200ms'),
    ]);
    const windowMs = 4000;
    await driver.start();
    await pause(windowMs);
    await driver.stop();
    const expected = windowMs / 200;
    const got = { u1: of('plant.u1').length, u2: of('plant.u2').length, u3: of('plant.u3').length };
    const dead = driver.unitCounts().get(3);
    const figures = `expected ${expected} per live sensor; got ${JSON.stringify(got)}; unit 3 polled ${slave.requests.get(3)} times`;
    expect(got.u1, figures).toBeGreaterThanOrEqual(0.8 * expected);
    expect(got.u2, figures).toBeGreaterThanOrEqual(0.8 * expected);
    expect(got.u1 + got.u2, figures).toBeLessThanOrEqual(2 * (expected + 1)); // on its grid, no bursts
    expect(of('plant.u1')[0].raw).toBe(21.5);
    expect(of('plant.u2')[0].raw).toBe(742);
    expect(got.u3).toBe(0);
    // backed off: tries at about 0, 0.5, 1.6 and 3.6 s (1 s, then 2 s after two timeouts), not every 200 ms
    expect(slave.requests.get(3), figures).toBeGreaterThanOrEqual(3);
    expect(slave.requests.get(3), figures).toBeLessThanOrEqual(5);
    expect(dead?.timeout).toBe(slave.requests.get(3));
    expect(await errorCount('modbus_timeout')).toBe(dead?.timeout);
    expect(driver.unitCounts().get(1)).toMatchObject({ timeout: 0, crc: 0, garbled: 0, exception: 0 });
  });

  it('probes through the running bus between polls: a dead unit probed, the live units keep their cadence', async () => {
    const { a, b } = await pair();
    const slave = await testSlave(b, [
      [1, { registers: Uint16Array.from(words(21.5, 'float32', 'big')) }],
      [2, { registers: Uint16Array.from([742, 743]) }],
    ]);
    const driver = make([
      sensor('plant.u1', a, { unit_id: 1, type: 'float32' }, '200ms'),
      sensor('plant.u2', a, { unit_id: 2, type: 'uint16' }, '200ms'),
      sensor('plant.u3', a, { unit_id: 3, type: 'float32' }, '200ms'),
    ]);
    const src = (unit_id: number, register: number, type: ModbusRtuSource['type']) =>
      sensor('x.probe', a, { unit_id, register, type }).source;
    await driver.start();
    await until(() => of('plant.u1').length > 0, 5000, 'first reading');
    const windowMs = 4000;
    const from = Date.now();
    const outcomes: (number | string)[] = [];
    while (Date.now() - from < windowMs) {
      const unit = outcomes.length % 2 === 0 ? 3 : 2; // the dead unit, then a register no sensor reads
      await driver.probe?.(src(unit, 1, 'uint16')).then(
        (r) => outcomes.push(r.raw),
        (err: { status: number }) => outcomes.push(`HTTP ${err.status}`),
      );
      await pause(400); // a technician pressing "probar" often, not a flood
    }
    await driver.stop();
    const live = of('plant.u1').filter((s) => s.ts >= from && s.ts <= from + windowMs);
    const gaps = live.slice(1).map((s, i) => s.ts - live[i].ts);
    const figures = `u1 readings ${live.length}, largest gap ${Math.max(...gaps)} ms, probes ${JSON.stringify(outcomes)}, unit 3 requests ${slave.requests.get(3)}`;
    expect(outcomes.filter((o) => o === 743).length, figures).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'HTTP 504').length, figures).toBeGreaterThanOrEqual(2);
    expect(
      outcomes.every((o) => o === 743 || o === 'HTTP 504'),
      figures,
    ).toBe(true);
    // Each dead-unit probe takes the line for a timeout (~330 ms) and the grid skips the slot it
    // covered: fewer readings than without probes, but never a burst and never a longer gap.
    expect(live.length, figures).toBeGreaterThanOrEqual(0.5 * (windowMs / 200));
    // Normal worst case: one dead-unit timeout (~330 ms) in the slot; a probe adds at most one more.
    expect(Math.max(...gaps), figures).toBeLessThan(200 + 2 * 340 + 250);
    expect(await driver.probe?.(src(1, 0, 'float32')).catch((e: Error) => e.message)).toMatch(/not open/);
  });

  it('a slow unit answering after its timeout: the late reply is dropped, never taken for the next request or probe', async () => {
    const { a, b } = await pair();
    // Unit 1 answers 150 ms after each request; the driver waits 100 ms. Its two registers are
    // read with requests of the same shape (unit 1, FC03, one register): the reply to one would
    // fit the other.
    const slave = await testSlave(b, [[1, { registers: Uint16Array.from([111, 222]), delayMs: 150 }]]);
    const driver = create(
      [
        sensor('plant.r0', a, { unit_id: 1, register: 0 }, '200ms'),
        sensor('plant.r1', a, { unit_id: 1, register: 1 }, '200ms'),
      ],
      { emit: async (s) => void samples.push(...s), telemetry, clock: Date.now, retry: { baseMs: 20, maxMs: 50 } },
      // lateMs: 300 ms of slack beyond the 50 ms the reply is late by, for a loaded test machine
      // (socat and the event loop add latency); the default is the timeout.
      { ...DEFAULT_TUNING, timeoutMs: 100, lateMs: 300, backoffAfter: 1000 },
    );
    cleanups.push(() => driver.stop());
    await driver.start();
    const probes: (number | string)[] = [];
    const end = Date.now() + 2500;
    while (Date.now() < end) {
      await driver.probe?.(sensor('x.probe', a, { unit_id: 1, register: 1 }).source).then(
        (r) => probes.push(r.raw),
        (err: { status: number }) => probes.push(`HTTP ${err.status}`),
      );
      await pause(150);
    }
    const wrong = samples.filter((s) => s.raw !== (s.sensor === 'plant.r0' ? 111 : 222));
    const figures = `samples ${JSON.stringify(samples.map((s) => [s.sensor, s.raw]))}, probes ${JSON.stringify(probes)}, unit 1 requests ${slave.requests.get(1)}`;
    expect(wrong, figures).toEqual([]);
    expect(
      probes.filter((p) => p !== 'HTTP 504'),
      figures,
    ).toEqual([]);
    expect(driver.unitCounts().get(1)?.timeout, figures).toBeGreaterThanOrEqual(4);
    expect(await errorCount('modbus_stray'), figures).toBeGreaterThanOrEqual(3); // the late replies, dropped
    // Once the unit answers in time again, both registers read their own values.
    const unit = slave.units.get(1);
    if (unit) unit.delayMs = 0;
    const from = samples.length;
    await until(() => ['plant.r0', 'plant.r1'].every((id) => samples.slice(from).some((s) => s.sensor === id)), 3000);
    expect(samples.slice(from).filter((s) => s.raw !== (s.sensor === 'plant.r0' ? 111 : 222))).toEqual([]);
    expect(await driver.probe?.(sensor('x.probe', a, { unit_id: 1, register: 1 }).source)).toEqual({ raw: 222 });
  });

  it('a dead unit is named in the status, in Spanish, while the others read', async () => {
    const { a, b } = await pair();
    await testSlave(b, [[1, { registers: Uint16Array.from([5]) }]]);
    const driver = make([sensor('plant.u1', a, { unit_id: 1 }), sensor('plant.u3', a, { unit_id: 3 })]);
    await driver.start();
    await until(() => driver.unitCounts().get(3)?.timeout === 1 && of('plant.u1').length >= 2, 3000, 'a timeout');
    expect(driver.status()).toMatchObject({
      state: 'retrying',
      detail: `la unidad 3 no responde en ${a} — revise cableado, dirección y baudios`,
    });
  });

  it('an exception reply (illegal address) is counted and gives no reading; it does not stop the others', async () => {
    const { a, b } = await pair();
    const slave = await serverSerial(b); // 32 registers
    slave.setFloat32(0, 3.5);
    const driver = make([
      sensor('plant.good', a, { type: 'float32', register: 0 }),
      sensor('plant.bad', a, { type: 'float32', register: 40 }),
    ]);
    await driver.start();
    await until(() => (driver.unitCounts().get(1)?.exception ?? 0) >= 3 && of('plant.good').length >= 3);
    expect(of('plant.bad')).toEqual([]);
    expect(of('plant.good')[0].raw).toBe(3.5);
    expect(await errorCount('modbus_exception')).toBe(driver.unitCounts().get(1)?.exception);
    expect(driver.status()).toMatchObject({
      state: 'retrying',
      detail: `la unidad 1 rechaza leer el registro 40 (holding) en ${a}: excepción 2, dirección de registro no válida — revise register y function en la configuración`,
    });
  });

  it('garbage on the line (junk reply, damaged CRC, stray bytes) is counted; reading goes on', async () => {
    const { a, b } = await pair();
    const slave = await testSlave(b, [[7, { registers: Uint16Array.from([1, 2, 3]), garble: 1, damage: 1 }]]);
    const driver = make([sensor('plant.u7', a, { unit_id: 7, register: 2 }, '1s')]);
    await driver.start();
    await until(() => of('plant.u7').length >= 1, 6000, 'a reading after the junk');
    expect(driver.unitCounts().get(7)).toMatchObject({ garbled: 1, crc: 1, readings: 1 });
    expect(await errorCount('modbus_garbled')).toBe(1);
    expect(await errorCount('modbus_crc')).toBe(1);
    expect(driver.status().state).toBe('ok');
    // between two polls (1 s apart), junk with no request pending
    await slave.write(Buffer.from('\x00\xffruido\r\n', 'latin1'));
    await until(() => of('plant.u7').length >= 2, 3000, 'the next reading');
    expect(await errorCount('modbus_stray')).toBeGreaterThanOrEqual(1);
    expect(of('plant.u7').map((s) => s.raw)).toEqual([3, 3]);
    expect(driver.status().state).toBe('ok');
  });

  it('a port that does not exist yet: retrying with a Spanish detail, then reads once it appears', async () => {
    const late = join(dir, 'ttyLATE');
    const driver = make([sensor('plant.u1', late, { unit_id: 1 })]);
    await driver.start(); // resolves though the port is missing
    expect(driver.status()).toMatchObject({
      state: 'retrying',
      detail: `no se puede abrir ${late} — revise el cable USB`,
    });
    const { a, b } = await pair();
    await testSlave(b, [[1, { registers: Uint16Array.from([99]) }]]);
    symlinkSync(a, late);
    await until(() => of('plant.u1').length >= 1, 3000, 'a reading');
    expect(of('plant.u1')[0].raw).toBe(99);
    expect(driver.status().state).toBe('ok');
  });

  it('the adapter disappears (USB pulled) and comes back at the same path: recovered without a restart', async () => {
    const path = join(dir, 'ttyRS485');
    const first = await startPtyPair();
    const firstSlave = await startTestSlave(first.b, new Map([[1, { registers: Uint16Array.from([10]) }]]));
    symlinkSync(first.a, path);
    const driver = make([sensor('plant.u1', path, { unit_id: 1 })]);
    await driver.start();
    await until(() => of('plant.u1').length >= 2, 3000, 'readings from the first adapter');
    await firstSlave.stop();
    await first.stop(); // the pty vanishes under the open port
    unlinkSync(path);
    await until(() => driver.status().state === 'retrying', 3000, 'retrying');
    expect(driver.status().detail).toMatch(/revise el cable USB/);
    const second = await pair();
    await testSlave(second.b, [[1, { registers: Uint16Array.from([20]) }]]);
    symlinkSync(second.a, path);
    await until(() => of('plant.u1').some((s) => s.raw === 20), 3000, 'readings from the second adapter');
    expect(driver.status().state).toBe('ok');
  });

  it('refuses sensors on one port that disagree on baud or parity, naming them', () => {
    expect(() =>
      make([
        sensor('plant.flow', '/dev/ttyUSB0', { baud: 9600 }),
        sensor('plant.level', '/dev/ttyUSB0', { baud: 19200, unit_id: 2 }),
      ]),
    ).toThrow(
      'sensor plant.level reads /dev/ttyUSB0 at 19200 baud, parity none, but sensor plant.flow reads it at 9600 baud, parity none; sensors on one RS-485 port must use the same baud and parity',
    );
  });
});
