import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../../../test/services/socat.ts';
import { until } from '../../../../test/services/util.ts';
import { createTelemetry, type Telemetry } from '../../telemetry.ts';
import type { Sample } from '../driver.ts';
import { create, serialLineDriver } from './serial-line.ts';

const sensorsOn = (port: string) =>
  [
    {
      id: 'plant.ph',
      quantity: 'ph',
      unit: 'pH',
      source: { driver: 'serial-line', port, pattern: 'PH=(?<value>-?[0-9.]+)' },
    },
    {
      id: 'plant.temp',
      quantity: 'temperature',
      unit: 'degC',
      source: { driver: 'serial-line', port, pattern: 'T=(?<value>-?[0-9.]+)' },
    },
  ].map((s) => SensorConfig.parse(s));

/** The device side of the cable: writes lines into the other end of the pty pair. */
async function device(path: string) {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  return {
    write: (text: string) => new Promise<void>((res) => port.write(text, () => port.drain(() => res()))),
    close: () => new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res())),
  };
}

let pair: PtyPair | undefined;
let telemetry: Telemetry;
let samples: Sample[];
let dir: string;
const make = (port: string) =>
  serialLineDriver.create(sensorsOn(port), {
    emit: async (s) => {
      samples.push(...s);
    },
    telemetry,
    clock: Date.now,
    retry: { baseMs: 20, maxMs: 50 },
  });

beforeEach(() => {
  telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  samples = [];
  dir = mkdtempSync(join(tmpdir(), 'vigia-serial-'));
});
afterEach(async () => {
  await pair?.stop();
  pair = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('serial-line driver (socat pty pair)', () => {
  it('one port shared by two sensors: each line goes to each decoder; garbage is counted', async () => {
    pair = await startPtyPair();
    const driver = make(pair.a);
    await driver.start();
    expect(driver.status()).toMatchObject({ state: 'ok' });
    const dev = await device(pair.b);
    await dev.write('PH=7.02 T=21.5\r\n#boot v1\nPH=6.9\n');
    await until(() => samples.length === 3);
    expect(samples.map(({ sensor, raw }) => [sensor, raw])).toEqual([
      ['plant.ph', 7.02],
      ['plant.temp', 21.5],
      ['plant.ph', 6.9],
    ]);
    const errors = await telemetry.registry.getSingleMetricAsString('vigia_errors_total');
    expect(errors).toMatch(/code="decode_no_match",stage="receive"} 3/); // "#boot" twice, "PH=6.9" once for temp
    await dev.close();
    await driver.stop();
    expect(driver.status().state).toBe('stopped');
  });

  it('a line longer than max_line (default 512 bytes) is dropped whole and counted; the next line reads', async () => {
    pair = await startPtyPair();
    const driver = make(pair.a);
    await driver.start();
    const dev = await device(pair.b);
    // 600 bytes with a readable value at the end: dropped, not decoded from its tail.
    await dev.write(`${'x'.repeat(593)}PH=1.0\nPH=7.1\n`);
    // 512 bytes exactly before the \n (a \r counts): accepted.
    await dev.write(`${'y'.repeat(505)}PH=2.0\r\n`);
    await until(() => samples.length === 2);
    expect(samples.map((s) => s.raw)).toEqual([7.1, 2.0]);
    const errors = await telemetry.registry.getSingleMetricAsString('vigia_errors_total');
    expect(errors).toMatch(/code="line_too_long",stage="receive"} 1/);
    await dev.close();
    await driver.stop();
  });

  it('a port that does not exist: retrying with a Spanish detail, then reads once it appears', async () => {
    const late = join(dir, 'ttyLATE');
    const driver = make(late);
    await driver.start(); // resolves though the port is missing
    expect(driver.status()).toMatchObject({
      state: 'retrying',
      detail: `no se puede abrir ${late} — revise el cable USB`,
    });
    pair = await startPtyPair();
    symlinkSync(pair.a, late);
    await until(() => driver.status().state === 'ok');
    const dev = await device(pair.b);
    await dev.write('PH=7.5\n');
    await until(() => samples.length === 1);
    expect(samples[0]).toMatchObject({ sensor: 'plant.ph', raw: 7.5 });
    await dev.close();
    await driver.stop();
  });

  it('the port disappears (cable pulled): retrying, no crash, stop still works', async () => {
    pair = await startPtyPair();
    const driver = make(pair.a);
    await driver.start();
    expect(driver.status().state).toBe('ok');
    await pair.stop();
    pair = undefined;
    await until(() => driver.status().state === 'retrying');
    expect(driver.status().detail).toMatch(/revise el cable USB/);
    await driver.stop();
    expect(driver.status().state).toBe('stopped');
  });

  it('probe: waits for the next line its own decoder can read, through the open port; 422 / 504 in words', async () => {
    pair = await startPtyPair();
    const driver = create(
      sensorsOn(pair.a),
      { emit: async (s) => void samples.push(...s), telemetry, clock: Date.now, retry: { baseMs: 20, maxMs: 50 } },
      { probeWaitMs: 600 },
    );
    await driver.start();
    const dev = await device(pair.b);
    const probe = (source: Record<string, unknown>) =>
      driver.probe!(SensorConfig.shape.source.parse({ driver: 'serial-line', port: pair!.a, ...source }));
    // A pattern no sensor uses yet: the conductivity in the same lines.
    const asked = probe({ pattern: 'EC=(?<value>[0-9.]+)' });
    await dev.write('T=21.5\r\nPH=7.10 EC=1.25\r\n');
    expect(await asked).toEqual({ raw: 1.25 });
    await until(() => samples.some((x) => x.sensor === 'plant.ph')); // the sensors kept reading
    const wrong = probe({ csv_column: 3 });
    await dev.write('PH=7.2\r\n');
    await expect(wrong).rejects.toMatchObject({ status: 422, message: expect.stringContaining('"PH=7.2"') });
    await expect(probe({ pattern: 'PH=(?<value>[0-9.]+)' })).rejects.toMatchObject({
      status: 504,
      message: expect.stringContaining('no llegó ninguna línea'),
    });
    await expect(probe({ pattern: 'PH=(?<value>[0-9.]+)', baud: 19200 })).rejects.toMatchObject({ status: 422 });
    await dev.close();
    await driver.stop();
  });
});
