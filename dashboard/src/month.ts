/**
 * @module month — calendar months in the site's time zone (site-zone.ts; America/Bogota until
 * the sites are known), as `YYYY-MM` strings and as `[from, to)` epoch-ms ranges for the API.
 * Never reads the clock: callers pass `now`.
 */
import { offsetAt } from '@vigia/shared';
import { type Lang, localeFor } from './format.ts';
import { siteZone } from './site-zone.ts';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text: string): boolean {
  return MONTH_RE.test(text);
}

function parts(month: string): [number, number] {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month: "${month}" (write YYYY-MM)`);
  return [Number(m[1]), Number(m[2])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local midnight of the 1st of `year-month` (month may overflow: 13 → next January), UTC ms. */
function monthStart(year: number, month1: number, timeZone: string): number {
  const local = Date.UTC(year, month1 - 1, 1);
  // Two passes settle the offset for zones whose offset changes near the boundary.
  let ts = local - offsetAt(local, timeZone);
  ts = local - offsetAt(ts, timeZone);
  return ts;
}

/**
 * The month holding `now` in `timeZone`, as `YYYY-MM`.
 * @example currentMonth(Date.UTC(2026, 11, 1, 3)) // "2026-11" (still 30 Nov, 22:00 in Bogotá)
 */
export function currentMonth(now: number, timeZone = siteZone()): string {
  const local = new Date(now + offsetAt(now, timeZone));
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}`;
}

/**
 * `[from, to)` of a month in epoch ms UTC: local midnight of the 1st to local midnight of the
 * next month's 1st.
 * @example monthRange('2026-11') // { from: Date.UTC(2026, 10, 1, 5), to: Date.UTC(2026, 11, 1, 5) }
 */
export function monthRange(month: string, timeZone = siteZone()): { from: number; to: number } {
  const [y, m] = parts(month);
  return { from: monthStart(y, m, timeZone), to: monthStart(y, m + 1, timeZone) };
}

/** The month `delta` months after (or before) `month`. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = parts(month);
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** "noviembre de 2026" / "November 2026"; `capital` for a label's start ("Noviembre de 2026"). */
export function monthLabel(month: string, lang: Lang, capital = false): string {
  const [y, m] = parts(month);
  const text = new Intl.DateTimeFormat(localeFor(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, 15),
  );
  return capital ? text.charAt(0).toLocaleUpperCase(localeFor(lang)) + text.slice(1) : text;
}
