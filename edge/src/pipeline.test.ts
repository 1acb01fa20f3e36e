import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuffer, type ReadingBuffer } from './buffer/buffer.ts';
import { createClock } from './clock/clock.ts';
import { createPipeline } from './pipeline.ts';
import { createTelemetry } from './telemetry.ts';

const T0 = 1_800_000_000_000;

describe('pipeline (temp SQLite buffer)', () => {
  let dir: string;
  let buffer: ReadingBuffer;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-pipe-'));
    buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 0 });
    buffer.open();
  });
  afterEach(() => {
    buffer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores calibrated values, keeps the latest raw and value, and never stores a non-finite value', async () => {
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const sensors = [
      SensorConfig.parse({
        id: 'a',
        quantity: 'ph',
        unit: 'pH',
        source: { driver: 'mqtt', topic: 't/a' },
        calibrate: { scale: 1e300, offset: 0 },
      }),
    ];
    const pipeline = createPipeline(sensors, buffer, telemetry);
    await pipeline.ingest([
      { sensor: 'a', ts: T0, raw: 2 },
      { sensor: 'a', ts: T0 + 1, raw: 1e10 }, // 1e310: Infinity
      { sensor: 'unknown', ts: T0 + 2, raw: 1 },
    ]);
    expect(buffer.take(10).map((r) => [r.ts - T0, r.value])).toEqual([[0, 2e300]]);
    expect(pipeline.latest('a')).toEqual({ ts: T0, raw: 2, value: 2e300 });
    expect(await telemetry.registry.getSingleMetricAsString('vigia_errors_total')).toMatch(
      /code="calibrated_not_finite"/,
    );
    expect(await telemetry.registry.getSingleMetricAsString('vigia_received_total')).toMatch(/ 1$/m);
  });

  it('keeps every sample of a burst: timestamps within one millisecond become strictly increasing', async () => {
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const sensors = [
      SensorConfig.parse({ id: 'a', quantity: 'ph', unit: 'pH', source: { driver: 'mqtt', topic: 't/a' } }),
    ];
    const pipeline = createPipeline(sensors, buffer, telemetry);
    await pipeline.ingest([1, 2, 3].map((raw) => ({ sensor: 'a', ts: T0, raw })));
    await pipeline.ingest([{ sensor: 'a', ts: T0 + 1, raw: 4 }]);
    expect(buffer.take(10).map((r) => [r.ts - T0, r.value])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('a backward step of the time (an hour) is not absorbed by the floor; held readings correct in order', async () => {
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const sensors = [
      SensorConfig.parse({ id: 'a', quantity: 'ph', unit: 'pH', source: { driver: 'mqtt', topic: 't/a' } }),
    ];
    const env = { t: 1000, wallAt0: T0 + 3_600_000 }; // the wall clock is an hour ahead
    const wall = () => env.wallAt0 + env.t;
    const clock = createClock({
      wall,
      mono: () => env.t,
      bootId: 'boot-a',
      releaseTime: 0,
      onTrusted: (anchor) => buffer.correct('boot-a', anchor),
    });
    await clock.start();
    const local: number[] = [];
    const pipeline = createPipeline(sensors, buffer, telemetry, { clock, onValue: (_s, ts) => local.push(ts) });
    await pipeline.ingest([{ sensor: 'a', ts: wall(), raw: 1 }]); // stamped an hour ahead (trusted: plausible)
    env.wallAt0 -= 3_600_000; // NTP-less step back: the clock was wrong
    env.t += 1000;
    await pipeline.ingest([2, 3].map((raw) => ({ sensor: 'a', ts: wall(), raw }))); // held: burst in one ms
    env.t += 1000;
    // The server tells the true time: T0 + t.
    clock.observeServerDate(new Date(T0 + env.t).toUTCString(), env.t - 5, env.t + 5);
    await pipeline.ingest([{ sensor: 'a', ts: wall(), raw: 4 }]);
    const rows = buffer.take(10).map((r) => [r.value, r.ts - T0, r.q]);
    expect(rows[0]).toEqual([1, 3_601_000, 'good']);
    // Held 2 and 3 corrected (uncertain), 1 ms apart; 4 at the true time, not an hour ahead.
    expect(rows.slice(1, 3).map(([v, , q]) => [v, q])).toEqual([
      [2, 'uncertain'],
      [3, 'uncertain'],
    ]);
    expect(Math.abs((rows[1][1] as number) - 2000)).toBeLessThanOrEqual(1000);
    expect((rows[2][1] as number) - (rows[1][1] as number)).toBe(1);
    expect(rows[3][0]).toBe(4);
    expect(Math.abs((rows[3][1] as number) - 3000)).toBeLessThanOrEqual(1000);
    expect(local).toEqual([...local].sort((x, y) => x - y)); // the safety timeline only goes forward
    expect(new Set(local).size).toBe(local.length);
  });
});
