/**
 * @module charts/zone-wall — pure: epoch ms to and from the "YYYY-MM-DDTHH:mm" wall time of an
 * `<input type="datetime-local">` in the site's zone (never the browser's), for the chart's
 * custom range. Intl gives the zone's offset at an instant; a wall time is resolved by trying
 * the offset at the naive UTC reading and once more at the corrected instant (DST edges).
 */

const parts = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = parts.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    parts.set(zone, f);
  }
  return f;
}

function wallFields(ts: number, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of partsFormat(zone).formatToParts(ts)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at `ts`, in ms (Bogotá: −5 h). */
function offsetAt(ts: number, zone: string): number {
  const f = wallFields(ts, zone);
  const asUtc = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/** "2026-12-04T07:45" for `ts` in `zone` (to minutes). */
export function toWallInput(ts: number, zone: string): string {
  const f = wallFields(ts, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${f.year}-${two(f.month!)}-${two(f.day!)}T${two(f.hour!)}:${two(f.minute!)}`;
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
