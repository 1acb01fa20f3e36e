/**
 * @module charts/zone-wall — pure: epoch ms to and from the "YYYY-MM-DDTHH:mm" wall time of an
 * `<input type="datetime-local">` in the site's zone (never the browser's), for the chart's
 * custom range. The zone's offset at an instant is shared's `offsetAt` (the project's one zone
 * to offset turn); a wall time is resolved by trying the offset at the naive UTC reading and
 * once more at the corrected instant (DST edges).
 */
import { offsetAt } from '@vigia/shared';

/** "2026-12-04T07:45" for `ts` in `zone` (to minutes). */
export function toWallInput(ts: number, zone: string): string {
  const wall = new Date(ts + offsetAt(ts, zone));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${wall.getUTCFullYear()}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}T${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`;
}

/** The instant a datetime-local value names in `zone`; null when the text is not one. */
export function fromWallInput(wall: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const naive = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s);
  if (!Number.isFinite(naive)) return null;
  const first = naive - offsetAt(naive, zone);
  return naive - offsetAt(first, zone);
}
