/**
 * @module backlog-trend — is a device's queue growing, and for how long? A queue is normal while
 * a device is connected: its live lane always holds about one send window of readings, and a
 * backlog that drains is the edge catching up. Only a queue that keeps growing for longer than
 * GROWING_WARN_MS is a warning, said with how much it grew (device-health.ts `backlogText`).
 * Pure, the caller keeps the state per device (statuses arrive with each batch).
 */

/** Growing this long without a drop is a warning. */
export const GROWING_WARN_MS = 2 * 60_000;

/** `since`/`from`: when and at what size the current run of growth started; `at`/`backlog`: the last status. */
export type BacklogTrend = { at: number; backlog: number; since: number; from: number };

/** The trend after a status with `backlog` at `at` (server ms); any drop restarts the run. */
export function nextTrend(prev: BacklogTrend | undefined, backlog: number, at: number): BacklogTrend {
  if (!prev || at < prev.at || backlog < prev.backlog || backlog === 0)
    return { at, backlog, since: at, from: backlog };
  return { at, backlog, since: prev.since, from: prev.from };
}

/** How much and for how long it has grown, when that is a warning; else null. */
export function growthWarning(t: BacklogTrend | undefined): { growth: number; ms: number } | null {
  if (!t) return null;
  const ms = t.at - t.since;
  const growth = t.backlog - t.from;
  return ms >= GROWING_WARN_MS && growth > 0 ? { growth, ms } : null;
}

/**
 * Readings a connected device's live lane holds between two sends: each sensor's readings over
 * two seconds (at least one each), never under 10.
 */
export function liveWindowReadings(intervalsMs: readonly (number | null | undefined)[]): number {
  let n = 0;
  for (const i of intervalsMs) n += i && i > 0 ? Math.max(1, Math.ceil(2000 / i)) : 1;
  return Math.max(10, n);
}
