/**
 * @module rules/daily
 * `daily_mean` and `daily_total`: one point per completed calendar day in the site's zone,
 * stamped at the day's start and valid until its end. A day is complete once the watermark
 * reaches its end, so a day's value is known (and a breach in it found) only the next day.
 *
 * - daily_mean: arithmetic mean of the readings taken in the day.
 * - daily_total of a rate (unit ending /s, /min, /h, /d): step integration with the shared hold
 *   model, ∫ rate dt, each reading's rate holding until the next reading or `holdMs`, cut at
 *   midnight. The unit conversion is explicit: Σ value·Δt[ms] / (ms per rate unit), so m3/h
 *   over hours gives m3. Gaps add nothing (no extrapolation) and show as coverage < 1.
 * - daily_total of an amount (any other unit, e.g. kg): the sum of the day's readings.
 * - Every kind reports the day's coverage: the share of the day covered by held readings (the
 *   same hold model), so a day with missing data is judged on what arrived and says how much.
 * - `periodEnd(watermark)` is the end of the watermark's day: the caller judges that day by
 *   advancing there once it is over (and a day without readings too: an open breach ends).
 */
import type { Averager, AveragingOptions, PointSink } from './averaging.ts';
import { type DayBounds, dayClock } from './time-zone.ts';

const RATE_BASE_MS: Record<string, number> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds per unit of the rate's time base ("m3/h" → 3,600,000); undefined for non-rates. */
export function rateBaseMs(unit: string): number | undefined {
  const slash = unit.lastIndexOf('/');
  return slash < 0 ? undefined : RATE_BASE_MS[unit.slice(slash + 1)];
}

type DailyData = {
  day: DayBounds | null;
  sum: number;
  count: number;
  covered: number;
  lastTs: number | null;
  lastValue: number;
  accountedTo: number;
};

const fresh = (): DailyData => ({
  day: null,
  sum: 0,
  count: 0,
  covered: 0,
  lastTs: null,
  lastValue: 0,
  accountedTo: 0,
});

/** See the module header; `unit` is required for daily_total. */
export function createDailyAverager(
  kind: 'daily_mean' | 'daily_total',
  opts: AveragingOptions,
  snap?: DailyData,
): Averager {
  if (kind === 'daily_total' && opts.unit === undefined)
    throw new Error('daily_total needs the sensor unit (e.g. m3/h) to integrate a rate: pass opts.unit');
  const rateBase = kind === 'daily_total' ? rateBaseMs(opts.unit!) : undefined;
  const dayOf = dayClock(opts.timeZone);
  const st: DailyData = snap ? { ...snap } : fresh();

  const flush = (emit: PointSink) => {
    const d = st.day;
    if (!d) return;
    // A rate's held value counts without a reading in the day; a mean or an amount needs one.
    if (st.count > 0 || (rateBase && st.covered > 0)) {
      const value = kind === 'daily_mean' ? st.sum / st.count : rateBase ? st.sum / rateBase : st.sum;
      emit(d.start, value, d.end, Math.min(1, st.covered / (d.end - d.start)));
    }
    Object.assign(st, { day: null, sum: 0, count: 0, covered: 0 });
  };
  const enterDay = (ts: number, emit: PointSink) => {
    if (st.day && ts >= st.day.end) flush(emit);
    if (!st.day) st.day = dayOf(ts);
  };
  const integrate = (from: number, to: number, emit: PointSink) => {
    for (let a = from; a < to; ) {
      enterDay(a, emit);
      const b = Math.min(to, st.day!.end);
      if (rateBase) st.sum += st.lastValue * (b - a);
      st.covered += b - a;
      a = b;
    }
  };
  const advance = (watermark: number, emit: PointSink) => {
    if (!Number.isFinite(watermark)) return;
    if (st.lastTs !== null) {
      const end = Math.min(watermark, st.lastTs + opts.holdMs);
      if (end > st.accountedTo) integrate(st.accountedTo, end, emit);
      st.accountedTo = Math.max(st.accountedTo, end);
    }
    if (st.day && watermark >= st.day.end) flush(emit);
  };

  return {
    push(ts, value, emit) {
      advance(ts, emit);
      enterDay(ts, emit);
      st.count++;
      Object.assign(st, { lastTs: ts, lastValue: value, accountedTo: ts });
      if (!rateBase) st.sum += value;
    },
    advance,
    settledTo: (watermark) => (Number.isFinite(watermark) ? dayOf(watermark).start : watermark),
    // The open day, if any, holds the watermark; a rate held past midnight counts in the next one.
    periodEnd: (watermark) => (Number.isFinite(watermark) ? dayOf(watermark).end : null),
    snapshot: () => ({ kind, data: { ...st } }),
  };
}
