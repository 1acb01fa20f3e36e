/**
 * @module storage/segments
 * How a bucketed query is answered from rollups, for every backend that keeps them (SQLite
 * tables, InfluxDB measurements): per sensor, 1-minute and 1-hour buckets of
 * (min, max, sum, count) aligned to the epoch (UTC). Pure arithmetic, no I/O.
 * A query answered from the segments `planSegments` returns equals the same query over the
 * raw readings (min, max, n exactly; mean up to float summation order), whatever `from` and
 * bucket width: each bucket is split into pieces aligned to a level, and the edges finer
 * than a minute are read from the raw readings.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Where a piece of a bucket is read from; `raw` is the readings themselves. */
export type Level = 'raw' | 'minute' | 'hour';

/** [start, end) of bucket `bucket`, to be read from `level`; start and end are aligned to the level. */
export type Segment = { level: Level; bucket: number; start: number; end: number };

// Integer arithmetic only: exact for every safe-integer timestamp, negative ones included.
export const floorTo = (t: number, unit: number) => t - (((t % unit) + unit) % unit);
export const ceilTo = (t: number, unit: number) => floorTo(t + unit - 1, unit);

/**
 * Split the buckets of [from, to) (width `bucketMs`, starting at `from`) into segments: per
 * bucket raw | minute | hour | minute | raw, each piece present only when non-empty.
 * Segments come in bucket order, and within a bucket in time order.
 * @example planSegments(90_000, 250_000, 160_000) // raw 90-120 s, minute 120-240 s, raw 240-250 s
 */
export function planSegments(from: number, to: number, bucketMs: number): Segment[] {
  const out: Segment[] = [];
  for (let bucket = 0, b0 = from; b0 < to; bucket++, b0 += bucketMs) {
    const b1 = Math.min(b0 + bucketMs, to);
    const push = (level: Level, start: number, end: number) => {
      if (start < end) out.push({ level, bucket, start, end });
    };
    const m0 = ceilTo(b0, MINUTE_MS);
    const m1 = floorTo(b1, MINUTE_MS);
    if (m0 >= m1) {
      push('raw', b0, b1);
      continue;
    }
    const h0 = ceilTo(m0, HOUR_MS);
    const h1 = floorTo(m1, HOUR_MS);
    push('raw', b0, m0);
    if (h0 < h1) {
      push('minute', m0, h0);
      push('hour', h0, h1);
      push('minute', h1, m1);
    } else {
      push('minute', m0, m1);
    }
    push('raw', m1, b1);
  }
  return out;
}

/** Per-bucket (min, max, sum, n); what the pieces of a bucket add up to. */
export type BucketSums = { min: number; max: number; sum: number; n: number };

/** Add one piece's aggregate to bucket `bucket` of `out` (pieces with n = 0 change nothing). */
export function addPiece(out: Map<number, BucketSums>, bucket: number, p: BucketSums): void {
  if (p.n === 0) return;
  const acc = out.get(bucket);
  if (!acc) out.set(bucket, { ...p });
  else {
    acc.min = Math.min(acc.min, p.min);
    acc.max = Math.max(acc.max, p.max);
    acc.sum += p.sum;
    acc.n += p.n;
  }
}
