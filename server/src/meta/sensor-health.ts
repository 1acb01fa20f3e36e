/**
 * @module meta/sensor-health — pure: a sensor's typical reporting interval, learnt at ingest,
 * and when it counts as silent.
 *
 * Silent: no reading for longer than `max(5 min, 3 × typical interval)`, measured from the
 * newest reading's ts to the server's clock; a sensor that never sent a reading is silent.
 * The 5-minute floor keeps batching and short radio gaps of fast sensors (1 Hz) from raising
 * false alarms; 3 × the interval keeps slow sensors (one reading every 10 min) from being
 * called silent between two readings. While the interval is unknown the floor alone applies.
 */

/** Never call a sensor silent sooner than this. */
export const SILENT_FLOOR_MS = 5 * 60_000;
/** A sensor is silent after this many typical intervals without a reading. */
export const SILENT_INTERVALS = 3;
/** Weight of a new batch's interval in the running estimate. */
const ALPHA = 0.25;
/** One batch may move the estimate by at most this factor (an outage gap is not the new pace). */
const CLAMP = 10;

export type IntervalState = { last_ts: number | null; interval_ms: number | null };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The state after a batch carrying `tss` (this sensor's reading times, any order). The batch's
 * interval is the median gap between its distinct times, counting the gap from the previous
 * newest reading when the batch is newer; it moves the running estimate by an exponential
 * average, clamped to 10× either way. A batch with no gap (one reading, late data) leaves the
 * estimate as it was.
 */
export function nextInterval(prev: IntervalState, tss: readonly number[]): IntervalState {
  if (tss.length === 0) return prev;
  const sorted = [...new Set(tss)].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]! - sorted[i - 1]!);
  if (prev.last_ts !== null && sorted[0]! > prev.last_ts) gaps.push(sorted[0]! - prev.last_ts);
  const newest = sorted.at(-1)!;
  const last_ts = prev.last_ts === null ? newest : Math.max(prev.last_ts, newest);
  if (gaps.length === 0) return { last_ts, interval_ms: prev.interval_ms };
  const sample = median(gaps);
  if (prev.interval_ms === null) return { last_ts, interval_ms: sample };
  const bounded = Math.min(prev.interval_ms * CLAMP, Math.max(prev.interval_ms / CLAMP, sample));
  return { last_ts, interval_ms: prev.interval_ms + ALPHA * (bounded - prev.interval_ms) };
}

/** How long without a reading makes this sensor silent. */
export function silentAfterMs(intervalMs: number | null): number {
  return Math.max(SILENT_FLOOR_MS, intervalMs === null ? 0 : Math.round(SILENT_INTERVALS * intervalMs));
}

/** Silent at `now` (server clock): never heard from, or quiet for longer than `silentAfterMs`. */
export function isSilent(lastTs: number | null, intervalMs: number | null, now: number): boolean {
  return lastTs === null || now - lastTs > silentAfterMs(intervalMs);
}
