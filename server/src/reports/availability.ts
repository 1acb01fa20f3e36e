/**
 * @module reports/availability
 * Data availability and daily values per rule per site-local day, from raw readings, with the
 * hold model of the shared rules (shared/src/rules/averaging.ts): a good reading stands for the
 * quantity from its `ts` until the next reading, at most `holdMs`; beyond that the sensor is
 * silent. So a day the engine saw as "no data" is exactly the time the report counts as not
 * available. Readings with q = 'bad' are skipped, as the evaluator skips them.
 * Streaming: `dayFold` takes readings chunk by chunk and keeps one accumulator per day, so a
 * year of a 1 Hz sensor (31.5 M readings) never sits in memory. Pure; never reads a clock.
 */
import { dayClock, rateBaseMs } from '@vigia/shared';
import { localDate } from './format.ts';
import type { DayRow, ReportRule } from './model.ts';

export type RawReading = { ts: number; value: number; q?: string };

type DayWindow = { day: string; start: number; end: number };

/** The site-local days meeting [from, to), each cut to [from, to). */
export function dayWindows(from: number, to: number, timeZone: string): DayWindow[] {
  const dayOf = dayClock(timeZone);
  const out: DayWindow[] = [];
  for (let t = from; t < to; ) {
    const d = dayOf(t);
    const end = Math.min(d.end, to);
    out.push({ day: localDate(d.start, timeZone), start: t, end });
    t = end;
  }
  return out;
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

/** A day row's availability part: `coveredMs` of day window `w` held by good readings. */
export function dayRow(version: number, rule: ReportRule, w: DayWindow, coveredMs: number): DayRow {
  return {
    version,
    rule: rule.id,
    sensor: rule.sensor,
    day: w.day,
    start: w.start,
    end: w.end,
    coveredMs,
    availability: coveredMs / (w.end - w.start),
  };
}

/**
 * Rows of one rule, folded from its good readings as they stream in (oldest first, any chunk
 * size): memory is one accumulator per day, whatever the number of readings. A reading's held
 * span is counted when the next one arrives (or at `finish`), spread over the days it meets.
 */
export type DayFold = { push(ts: ArrayLike<number>, value: ArrayLike<number>): void; finish(): DayRow[] };

export function dayFold(version: number, rule: ReportRule, from: number, to: number, timeZone: string): DayFold {
  const windows = dayWindows(from, to, timeZone);
  const acc = windows.map(() => ({ covered: 0, integral: 0, n: 0, sum: 0 }));
  const needs = dailyNeeds(rule);
  const rateBase = rule.unit === null ? undefined : rateBaseMs(rule.unit);
  let prevTs = Number.NaN;
  let prevValue = 0;
  let spanAt = 0;
  let countAt = 0;
  // Add [a, b) held at value v to the days it meets; spans arrive in time order.
  const spread = (a: number, b: number, v: number) => {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi <= lo) return;
    while (spanAt < windows.length && windows[spanAt].end <= lo) spanAt++;
    for (let k = spanAt; k < windows.length && windows[k].start < hi; k++) {
      const x = Math.max(lo, windows[k].start);
      const y = Math.min(hi, windows[k].end);
      if (y > x) {
        acc[k].covered += y - x;
        acc[k].integral += v * (y - x);
      }
    }
  };
  return {
    push(ts, value) {
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i];
        const v = value[i];
        if (!Number.isFinite(v)) continue;
        if (!Number.isNaN(prevTs)) spread(prevTs, Math.min(t, prevTs + rule.holdMs), prevValue);
        prevTs = t;
        prevValue = v;
        if (t < from || t >= to) continue;
        while (countAt < windows.length && windows[countAt].end <= t) countAt++;
        acc[countAt].n++;
        acc[countAt].sum += v;
      }
    },
    finish() {
      if (!Number.isNaN(prevTs)) spread(prevTs, prevTs + rule.holdMs, prevValue);
      prevTs = Number.NaN;
      return windows.map((w, k) => {
        const a = acc[k];
        const row = dayRow(version, rule, w, a.covered);
        if (needs.mean) row.mean = a.n ? a.sum / a.n : null;
        if (needs.total) {
          // As shared/rules/daily.ts: a rate integrates with the hold model, an amount sums.
          const covered = rateBase ? a.covered : a.n;
          row.total = covered === 0 ? null : rateBase ? a.integral / rateBase : a.sum;
          row.totalUnit = totalUnitOf(rule.unit);
        }
        return row;
      });
    },
  };
}

/**
 * One row per day of [from, to) for `rule`, from its sensor's readings sorted by `ts` (those
 * before `from` within `holdMs` count for the start of the first day). `dayFold` over an array.
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
  const fold = dayFold(version, rule, from, to, timeZone);
  fold.push(
    good.map((r) => r.ts),
    good.map((r) => r.value),
  );
  return fold.finish();
}
