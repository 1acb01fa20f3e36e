/**
 * @module rules/time-zone
 * Calendar days in a site's time zone for `daily_mean` and `daily_total`. Colombia
 * (America/Bogota) is UTC−5 all year with no daylight saving, so it and other fixed offsets
 * are plain arithmetic; any other IANA zone goes through `Intl.DateTimeFormat`, which Node and
 * browsers both carry. Never reads the clock.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The site's day holding an instant: `[start, end)` in epoch ms UTC. */
export type DayBounds = { start: number; end: number };

/** The default site zone (docs/design.md: the sites are in Colombia). */
export const DEFAULT_TIME_ZONE = 'America/Bogota';

const FIXED: Record<string, number> = { 'America/Bogota': -5 * HOUR_MS, UTC: 0, 'Etc/UTC': 0, Z: 0 };
const OFFSET_RE = /^(?:UTC)?([+-])(\d{2}):?(\d{2})$/;

/** Offset in ms for zones that never change it ("America/Bogota", "UTC", "-05:00"); else undefined. */
export function fixedOffsetMs(timeZone: string): number | undefined {
  if (timeZone in FIXED) return FIXED[timeZone];
  const m = OFFSET_RE.exec(timeZone);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR_MS + Number(m[3]) * 60_000);
}

const clocks = new Map<string, (ts: number) => number>();

/**
 * The offset of `timeZone` from UTC at an instant, in ms (Bogotá: −5 h). Fixed-offset zones
 * are arithmetic; others read Intl (built once per zone and kept, since an Intl formatter is
 * costly to build; throws RangeError on an unknown zone).
 * The one place the project turns a zone into an offset: days, reports and the dashboard use it.
 */
export function offsetClock(timeZone: string): (ts: number) => number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    const fixed = fixedOffsetMs(timeZone);
    clock = fixed !== undefined ? () => fixed : intlOffset(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** `offsetClock(timeZone)(ts)`. */
export function offsetAt(ts: number, timeZone: string): number {
  return offsetClock(timeZone)(ts);
}

function intlOffset(timeZone: string): (ts: number) => number {
  // Throws RangeError on an unknown zone, at setup rather than mid-evaluation.
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (ts) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(ts)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(ts / 1000) * 1000;
  };
}

function midnightBefore(localMs: number): number {
  return Math.floor(localMs / DAY_MS) * DAY_MS;
}

/**
 * A function from an instant to its calendar day in `timeZone`. Fixed-offset zones are
 * arithmetic; others use Intl and remember the last day (readings arrive in time order).
 * @example dayClock('America/Bogota')(Date.UTC(2025, 0, 2, 3)) // { start: Date.UTC(2025,0,1,5), end: Date.UTC(2025,0,2,5) }
 */
export function dayClock(timeZone: string = DEFAULT_TIME_ZONE): (ts: number) => DayBounds {
  const fixed = fixedOffsetMs(timeZone);
  if (fixed !== undefined) {
    return (ts) => {
      const start = midnightBefore(ts + fixed) - fixed;
      return { start, end: start + DAY_MS };
    };
  }
  const offset = offsetClock(timeZone);
  // Local midnight to UTC: two refinements settle days that start or end on a DST change.
  const toUtc = (localMidnight: number) => {
    let utc = localMidnight - offset(localMidnight);
    utc = localMidnight - offset(utc);
    return localMidnight - offset(utc);
  };
  let last: DayBounds = { start: 0, end: 0 };
  return (ts) => {
    if (ts >= last.start && ts < last.end) return last;
    const local = midnightBefore(ts + offset(ts));
    last = { start: toUtc(local), end: toUtc(local + DAY_MS) };
    return last;
  };
}
