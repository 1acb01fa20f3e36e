/**
 * @module pipeline
 * Between drivers and buffer: calibrate each raw sample with the sensor's calibration (the pure
 * function from shared), remember the latest raw and calibrated value per sensor for `/sensors`,
 * count, and append to the buffer. Resolves only when the buffer committed the readings.
 * A calibrated value that is not finite is counted and not stored (the server would reject it).
 * Timestamps are made strictly increasing per sensor: a reading's identity is (sensor, ts), so
 * two samples of one sensor within the same millisecond (an MQTT burst) must not collide.
 */
import { calibrate, InputError, type Reading, type SensorConfig } from '@vigia/shared';
import type { ReadingBuffer } from './buffer/buffer.ts';
import type { Sample } from './drivers/driver.ts';
import type { Telemetry } from './telemetry.ts';

export type Latest = { ts: number; raw: number; value: number };

export function createPipeline(sensors: readonly SensorConfig[], buffer: ReadingBuffer, telemetry: Telemetry) {
  const byId = new Map(sensors.map((s) => [s.id, s]));
  const latest = new Map<string, Latest>();
  const lastTs = new Map<string, number>();

  async function ingest(samples: readonly Sample[]): Promise<void> {
    const readings: Reading[] = [];
    for (const s of samples) {
      const sensor = byId.get(s.sensor);
      if (!sensor) continue;
      const value = calibrate(s.raw, sensor.calibrate);
      if (!Number.isFinite(value)) {
        telemetry.report(
          new InputError('calibrated_not_finite', `sensor ${s.sensor}: raw ${s.raw} calibrates to ${value}`),
          'pipeline',
        );
        continue;
      }
      const ts = Math.max(s.ts, (lastTs.get(s.sensor) ?? 0) + 1);
      lastTs.set(s.sensor, ts);
      latest.set(s.sensor, { ts, raw: s.raw, value });
      readings.push({ sensor: s.sensor, ts, value, q: 'good' });
    }
    if (!readings.length) return;
    telemetry.metrics.received.inc(readings.length);
    const result = await buffer.append(readings);
    if (result.duplicates > 0) {
      telemetry.report(
        new InputError(
          'duplicate_reading',
          `${result.duplicates} reading(s) with an already stored (sensor, ts) were not stored again`,
        ),
        'buffer',
      );
    }
  }

  return { ingest, latest: (sensor: string) => latest.get(sensor) ?? null };
}
export type Pipeline = ReturnType<typeof createPipeline>;
