import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuffer, type ReadingBuffer } from './buffer/buffer.ts';
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
});
