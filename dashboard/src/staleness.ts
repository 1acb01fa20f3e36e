/**
 * @module staleness — whether a sensor is live, silent, or was never heard from.
 * Pure: the caller passes the clock. A silent sensor must never look live (docs/design.md: an
 * unmistakable state when a sensor is silent).
 */

/** No reading for longer than this and the tile turns grey. */
export const STALE_AFTER_MS = 30_000;

/**
 * When a sensor with typical interval `intervalMs` counts as stale: two intervals and 10 s of
 * transport slack, never sooner than STALE_AFTER_MS (a 1 Hz sensor, an unknown interval). A
 * sensor read every 60 s (ESPHome's default) turns grey after 130 s, not between two readings.
 */
export function staleAfterMs(intervalMs: number | null | undefined): number {
  if (intervalMs == null || !Number.isFinite(intervalMs) || intervalMs <= 0) return STALE_AFTER_MS;
  return Math.max(STALE_AFTER_MS, Math.round(2 * intervalMs + 10_000));
}

export type TileState = 'ok' | 'stale' | 'never';

/**
 * `lastTs` is the event time of the newest reading (epoch ms) or null when none arrived;
 * `nowMs` is the current time on the server's clock (see api.ts `serverNow`), so a tablet
 * with a wrong clock does not grey out live sensors.
 */
export function tileState(lastTs: number | null | undefined, nowMs: number, staleAfterMs = STALE_AFTER_MS): TileState {
  if (lastTs == null) return 'never';
  return nowMs - lastTs > staleAfterMs ? 'stale' : 'ok';
}
