/**
 * @module pipeline
 * Between drivers and buffer: calibrate each raw sample with the sensor's calibration (the pure
 * function from shared), remember the latest raw and calibrated value per sensor for `/sensors`,
 * count, and append to the buffer. Resolves only when the buffer committed the readings.
 * A calibrated value that is not finite is counted and not stored (the server would reject it).
 * Timestamps are made strictly increasing per sensor: a reading's identity is (sensor, ts), so
 * two samples of one sensor within the same millisecond (an MQTT burst) must not collide.
 *
 * With a clock (clock/clock.ts): a sample is stamped on the trusted timeline, or held with its
 * (boot, monotonic ms) while the time is not trusted (held readings are strictly increasing in
 * monotonic ms per sensor, so their corrected times are too). The per-sensor floor
 * `max(ts, last + 1)` absorbs small steps (up to the clock's jump threshold). When the timeline
 * stepped back further (a new clock epoch: NTP or the server moved the time back by an hour),
 * the floor is not applied: the readings take the true time at once instead of being pinned an
 * hour in the future, 1 ms apart, for an hour. Readings stamped before the step keep their
 * stamps (see docs/decisions/2026-11-29-edge-clock-trust.md). Every calibrated reading goes to
 * the local safety rules before the buffer, trusted time or not.
 */
import { calibrate, InputError, type SensorConfig } from '@vigia/shared';
import type { BufferInput, ReadingBuffer } from './buffer/buffer.ts';
import type { Clock } from './clock/clock.ts';
import type { Sample } from './drivers/driver.ts';
import type { Telemetry } from './telemetry.ts';

export type Latest = { ts: number; raw: number; value: number };

export type PipelineOptions = {
  clock?: Clock;
  /** How far back the timeline may step and still be absorbed by the floor (default 2 s). */
  stepToleranceMs?: number;
  /** The local safety rules: every calibrated value, on the clock's local timeline. */
  onValue?: (sensor: string, localTs: number, value: number) => void;
};

export function createPipeline(
  sensors: readonly SensorConfig[],
  buffer: ReadingBuffer,
  telemetry: Telemetry,
  options: PipelineOptions = {},
) {
  const { clock } = options;
  const tolerance = options.stepToleranceMs ?? 2000;
  const byId = new Map(sensors.map((s) => [s.id, s]));
  const latest = new Map<string, Latest>();
  const lastTs = new Map<string, { ts: number; epoch: number }>();
  const lastMono = new Map<string, number>();

  /** The reading's time: trusted and floored, or held on the monotonic clock. */
  function place(sensor: string, wallTs: number): Pick<BufferInput, 'ts' | 'boot' | 'mono'> & { local: number } {
    const stamp = clock?.stamp(wallTs) ?? { ts: wallTs, boot: undefined, mono: undefined, epoch: 0 };
    // Strictly increasing monotonic ms per sensor, held or not: corrected times cannot collide.
    let mono = stamp.mono;
    if (mono !== undefined) {
      mono = Math.max(mono, (lastMono.get(sensor) ?? Number.NEGATIVE_INFINITY) + 1);
      lastMono.set(sensor, mono);
    }
    const local = clock && mono !== undefined ? clock.localTime(mono) : wallTs;
    if (stamp.ts === null) return { ts: null, boot: stamp.boot, mono, local };
    const base = mono !== undefined && stamp.mono !== undefined ? stamp.ts + (mono - stamp.mono) : stamp.ts;
    const last = lastTs.get(sensor);
    const stepped = last && last.epoch !== stamp.epoch && base < last.ts - tolerance;
    const ts = last && !stepped ? Math.max(base, last.ts + 1) : base;
    // Updated in place: no new object per reading on the intake path.
    if (last) {
      last.ts = ts;
      last.epoch = stamp.epoch;
    } else lastTs.set(sensor, { ts, epoch: stamp.epoch });
    return { ts, boot: stamp.boot, mono, local: clock ? local : ts };
  }

  async function ingest(samples: readonly Sample[]): Promise<void> {
    const readings: BufferInput[] = [];
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
      const at = place(s.sensor, s.ts);
      options.onValue?.(s.sensor, at.local, value);
      latest.set(s.sensor, { ts: at.ts ?? s.ts, raw: s.raw, value });
      readings.push({ sensor: s.sensor, value, q: 'good', ts: at.ts, boot: at.boot, mono: at.mono });
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
