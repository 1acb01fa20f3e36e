/**
 * @module charts/buckets — `/api/v1/series` buckets to uPlot's columnar arrays, and live
 * values appended to them. Gaps stay null and are never interpolated (docs/design.md C11); this
 * module draws nothing and aggregates nothing.
 */
import type { SeriesResponse } from '@vigia/shared';

/** [x (epoch ms), min, mean, max]: the shape uPlot's AlignedData takes. */
export type SeriesColumns = [xs: number[], mins: (number | null)[], means: (number | null)[], maxs: (number | null)[]];

/** A gap wider than this many buckets breaks the line. */
export const GAP_FACTOR = 1.5;

export function emptyColumns(): SeriesColumns {
  return [[], [], [], []];
}

/**
 * Buckets to columns. Where two buckets are more than 1.5 × `bucket_ms` apart (the server
 * leaves empty buckets out), and more than `minGapMs` (the sensor's own silence threshold: a
 * sensor read every 30 s is not silent between two readings at 3 s buckets), a null row is
 * inserted one bucket after the earlier one, so uPlot breaks the line there instead of
 * joining across the silence.
 *
 * @example bucketsToColumns({ bucket_ms: 1000, buckets: [{ts:0,…},{ts:5000,…}] })
 *   // → [[0, 1000, 5000], [min0, null, min5], …]
 */
export function bucketsToColumns(resp: Pick<SeriesResponse, 'bucket_ms' | 'buckets'>, minGapMs = 0): SeriesColumns {
  const cols = emptyColumns();
  const [xs, mins, means, maxs] = cols;
  const gapMs = Math.max(GAP_FACTOR * resp.bucket_ms, minGapMs);
  // The server answers in time order; sorting a copy costs little and guards the gap logic.
  const buckets = [...resp.buckets].sort((a, b) => a.ts - b.ts);
  let prevTs: number | null = null;
  for (const b of buckets) {
    if (prevTs !== null && b.ts - prevTs > gapMs) {
      xs.push(prevTs + resp.bucket_ms);
      mins.push(null);
      means.push(null);
      maxs.push(null);
    }
    xs.push(b.ts);
    mins.push(b.min);
    means.push(b.mean);
    maxs.push(b.max);
    prevTs = b.ts;
  }
  return cols;
}

/**
 * A live reading appended after the last column (min = mean = max = value). Readings not
 * newer than the last point are ignored (the live stream repeats the latest value on
 * connect). A silence longer than `gapMs` inserts a null row first. Returns new arrays.
 */
export function appendReading(cols: SeriesColumns, ts: number, value: number, gapMs: number): SeriesColumns {
  const [xs, mins, means, maxs] = cols;
  const lastTs = xs.length > 0 ? xs[xs.length - 1]! : null;
  if (lastTs !== null && ts <= lastTs) return cols;
  const next: SeriesColumns = [[...xs], [...mins], [...means], [...maxs]];
  if (lastTs !== null && ts - lastTs > gapMs) {
    next[0].push(lastTs + 1);
    next[1].push(null);
    next[2].push(null);
    next[3].push(null);
  }
  next[0].push(ts);
  next[1].push(value);
  next[2].push(value);
  next[3].push(value);
  return next;
}

/** Drops the points older than `fromTs` (the sliding one-hour window). */
export function trimBefore(cols: SeriesColumns, fromTs: number): SeriesColumns {
  const first = cols[0].findIndex((x) => x >= fromTs);
  if (first <= 0) return first === -1 ? emptyColumns() : cols;
  return [cols[0].slice(first), cols[1].slice(first), cols[2].slice(first), cols[3].slice(first)];
}
