/**
 * @module reports/availability
 * Data availability and daily values per rule per site-local day, from raw readings, with the
 * hold model of the shared rules (shared/src/rules/averaging.ts): a good reading stands for the
 * quantity from its `ts` until the next reading, at most `holdMs`; beyond that the sensor is
 * silent. So a day the engine saw as "no data" is exactly the time the report counts as not
 * available. Readings with q = 'bad' are skipped, as the evaluator skips them.
 * Pure; never reads a clock.
 */
import { dayClock, rateBaseMs } from '@vigia/shared';
import { localDate } from './format.ts';
import type { DayRow, ReportRule } from './model.ts';

export type RawReading = { ts: number; value: number; q?: string };

/** The site-local days meeting [from, to), each cut to [from, to). */
export function dayWindows(from: number, to: number, timeZone: string): { day: string; start: number; end: number }[] {
  const dayOf = dayClock(timeZone);
  const out: { day: string; start: number; end: number }[] = [];
  for (let t = from; t < to; ) {
    const d = dayOf(t);
    const end = Math.min(d.end, to);
    out.push({ day: localDate(d.start, timeZone), start: t, end });
    t = end;
  }
  return out;
}

type Accum = { covered: number; integral: number };

/** Covered time and ∫ value dt (value × ms) of held readings inside [start, end), from index `first`. */
export function heldWithin(good: readonly RawReading[], holdMs: number, start: number, end: number, first = 0): Accum {
  const acc: Accum = { covered: 0, integral: 0 };
  for (let i = first; i < good.length; i++) {
    const r = good[i];
    if (r.ts >= end) break;
    const next = i + 1 < good.length ? good[i + 1].ts : Number.POSITIVE_INFINITY;
    const a = Math.max(r.ts, start);
    const b = Math.min(next, r.ts + holdMs, end);
    if (b > a) {
      acc.covered += b - a;
      acc.integral += r.value * (b - a);
    }
  }
  return acc;
}

/** The unit of a daily total: the rate's amount ("m3/h" → "m3"), or the unit itself. */
export function totalUnitOf(unit: string | null): string | undefined {
  if (unit === null) return undefined;
  return rateBaseMs(unit) !== undefined ? unit.slice(0, unit.lastIndexOf('/')) : unit;
}

/** Whether the rule or its quantity asks for a daily mean / a daily total. */
export function dailyNeeds(rule: ReportRule): { mean: boolean; total: boolean } {
  const isRate = rule.unit !== null && rateBaseMs(rule.unit) !== undefined;
  return { mean: rule.averaging === 'daily_mean', total: rule.averaging === 'daily_total' || isRate };
}

/**
 * One row per day of [from, to) for `rule`, from its sensor's readings sorted by `ts` (those
 * before `from` within `holdMs` count for the start of the first day).
 */
export function dailyRows(
  version: number,
  rule: ReportRule,
  readings: readonly RawReading[],
  from: number,
  to: number,
  timeZone: string,
): DayRow[] {
  const good = readings.filter((r) => r.q !== 'bad' && Number.isFinite(r.value));
  const needs = dailyNeeds(rule);
  const rateBase = rule.unit === null ? undefined : rateBaseMs(rule.unit);
  let lo = 0;
  return dayWindows(from, to, timeZone).map((w) => {
    // Start from the last reading before the window: it may still hold into it.
    while (lo + 1 < good.length && good[lo + 1].ts <= w.start) lo++;
    const held = heldWithin(good, rule.holdMs, w.start, w.end, lo);
    const inDay: RawReading[] = [];
    for (let i = lo; i < good.length && good[i].ts < w.end; i++) if (good[i].ts >= w.start) inDay.push(good[i]);
    const row: DayRow = {
      version,
      rule: rule.id,
      sensor: rule.sensor,
      day: w.day,
      start: w.start,
      end: w.end,
      coveredMs: held.covered,
      availability: held.covered / (w.end - w.start),
    };
    if (needs.mean) row.mean = inDay.length ? inDay.reduce((s, r) => s + r.value, 0) / inDay.length : null;
    if (needs.total) {
      // As shared/rules/daily.ts: a rate integrates with the hold model, an amount sums.
      const covered = rateBase ? held.covered : inDay.length;
      row.total = covered === 0 ? null : rateBase ? held.integral / rateBase : inDay.reduce((s, r) => s + r.value, 0);
      row.totalUnit = totalUnitOf(rule.unit);
    }
    return row;
  });
}
