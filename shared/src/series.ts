/** @module series — `GET /api/v1/series`: at most `points` buckets of min/mean/max. */
import { z } from 'zod';
import { SensorId } from './ids.ts';

export const MAX_POINTS = 5000;

export const SeriesQuery = z
  .object({
    sensor: SensorId,
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
    points: z.coerce.number().int().min(1).max(MAX_POINTS).default(1000),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });
export type SeriesQuery = z.infer<typeof SeriesQuery>;

/** One bucket starting at `ts`; `n` readings fell in it. Empty buckets are left out (gaps). */
export const SeriesBucket = z.object({
  ts: z.number(),
  min: z.number(),
  mean: z.number(),
  max: z.number(),
  n: z.number().int(),
});
export type SeriesBucket = z.infer<typeof SeriesBucket>;

/** At most this many marked readings of each kind in one series answer (`marks.truncated` beyond). */
export const MAX_MARKS = 1000;

/**
 * Readings in the range that are not plain evidence, for the chart to mark: `corrected` (a
 * correction replaced the stored value; details from `/api/v1/readings/revisions`) and
 * `uncertain` (`q: uncertain`: doubtful value or a corrected edge clock). `uncertain` is null
 * when the buckets are a minute or wider: the rollups do not count qualities, so it is listed
 * only at raw resolution (zoom in to see it).
 */
export const SeriesMarks = z.object({
  corrected: z.array(z.number()),
  uncertain: z.array(z.number()).nullable(),
  truncated: z.boolean(),
});
export type SeriesMarks = z.infer<typeof SeriesMarks>;

export const SeriesResponse = z.object({
  sensor: SensorId,
  from: z.number(),
  to: z.number(),
  bucket_ms: z.number(),
  buckets: z.array(SeriesBucket),
  /** Absent from servers older than the marks. */
  marks: SeriesMarks.optional(),
});
export type SeriesResponse = z.infer<typeof SeriesResponse>;

/** Bucket width for a range and a point budget: whole seconds, at least 1 s. */
export function bucketMsFor(from: number, to: number, points: number): number {
  return Math.max(1000, Math.ceil((to - from) / points / 1000) * 1000);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * The buckets a series query answers with: at most `points` of them, covering [from, to).
 * Buckets a minute wide or more are whole minutes (an hour or more: whole hours) and start on
 * a UTC minute (hour) boundary at or before `from`, so stores answer them from their 1-minute
 * and 1-hour rollups instead of raw readings (InfluxDB pays ~10 ms per unaligned bucket edge).
 * Narrower buckets start at `from` exactly.
 */
export function seriesWindow(from: number, to: number, points: number): { from: number; bucketMs: number } {
  const raw = bucketMsFor(from, to, points);
  if (raw < MINUTE_MS) return { from, bucketMs: raw };
  const unit = raw >= HOUR_MS ? HOUR_MS : MINUTE_MS;
  const start = Math.floor(from / unit) * unit;
  // Aligning moves the start back by less than one unit: widen the buckets if that needs one more.
  const bucketMs = Math.ceil((to - start) / points / unit) * unit;
  return { from: start, bucketMs };
}
