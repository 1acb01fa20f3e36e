/**
 * @module reports/rollup-days
 * The same day rows as `dayFold` over raw readings (availability.ts), from the store's rollups,
 * for rules where they give the exact figure: a year of a 1 Hz sensor reads ~365 day buckets,
 * ~525 k minute summaries and a few raw minutes instead of 31.5 M readings.
 * - Availability: with a hold of at least 2 minutes, two good readings in consecutive minutes
 *   are less than 2 minutes apart, so a run of consecutive minutes holding good readings is
 *   covered from its first good reading to its last, plus the last one's hold (up to the next
 *   good reading). Only each run's edge minutes, and minutes holding a `bad` reading (whose
 *   summary cannot say whether a good one is there too), are read raw.
 * - Daily mean and amount total: the day's sum and count from one rollup bucket (`query`),
 *   less the `bad` readings of the day's flagged minutes, read raw.
 * A rate's daily total (∫ value dt under the hold model) needs every reading: not here.
 * `eligible` says when this applies; otherwise gather.ts streams raw readings into `dayFold`.
 */
import type { Store } from '../storage/store.ts';
import { dailyNeeds, dayRow, dayWindows, totalUnitOf } from './availability.ts';
import type { DayRow, ReportRule } from './model.ts';
import { yieldToLoop } from './read-chunks.ts';

const MINUTE = 60_000;
/** Minute summaries read at once: a week (10,080 at most). */
const SLICE_MS = 7 * 86_400_000;

type Needed = Required<Pick<Store, 'minuteSummaries'>>;

export function eligible(store: Store, rule: ReportRule): store is Store & Needed {
  const needs = dailyNeeds(rule);
  const rate = needs.total && rule.unit !== null && totalUnitOf(rule.unit) !== rule.unit;
  return rule.holdMs >= 2 * MINUTE && !rate && store.minuteSummaries !== undefined;
}

/** Day rows of `rule` over [from, to) (readings from `from − holdMs` hold into it). */
export async function rollupDays(
  store: Store & Needed,
  version: number,
  rule: ReportRule,
  from: number,
  to: number,
  timeZone: string,
): Promise<DayRow[]> {
  const windows = dayWindows(from, to, timeZone);
  const covered = windows.map(() => 0);
  const lo = from - rule.holdMs;
  const badMinutes: number[] = [];
  let spanAt = 0;
  const spread = (a: number, b: number) => {
    const x0 = Math.max(a, from);
    const y0 = Math.min(b, to);
    if (y0 <= x0) return;
    while (spanAt < windows.length && windows[spanAt].end <= x0) spanAt++;
    for (let k = spanAt; k < windows.length && windows[k].start < y0; k++) {
      covered[k] += Math.max(0, Math.min(y0, windows[k].end) - Math.max(x0, windows[k].start));
    }
  };
  /** Good readings of one minute inside [lo, to). */
  const rawMinute = (m: number) => store.readingColumns(rule.sensor, Math.max(m, lo), Math.min(m + MINUTE, to));

  // Runs of consecutive minutes holding good readings: [first good ts, last good ts].
  let run: { first: number; lastMinute: number } | null = null;
  const closeRun = async (nextGood: number) => {
    if (!run) return;
    const cols = await rawMinute(run.lastMinute);
    const last = cols.ts[cols.ts.length - 1];
    spread(run.first, Math.min(nextGood, last + rule.holdMs));
    run = null;
  };
  for (let a = lo; a < to; a += SLICE_MS) {
    const b = Math.min(to, a + SLICE_MS);
    const s = await store.minuteSummaries(rule.sensor, a, b);
    for (let i = 0; i < s.start.length; i++) {
      const m = s.start[i];
      // Each minute once: a slice's first summary may repeat the previous slice's last.
      if (run && m <= run.lastMinute) continue;
      const edge = m < lo || m + MINUTE > to;
      if (s.bad[i] === 1 && m >= from - MINUTE) badMinutes.push(m);
      let first: number | undefined;
      if (s.bad[i] === 1 || edge || !run || m !== run.lastMinute + MINUTE) {
        const cols = await rawMinute(m);
        if (cols.ts.length === 0) continue;
        first = cols.ts[0];
      }
      if (run && m === run.lastMinute + MINUTE) run.lastMinute = m;
      else {
        await closeRun(first!);
        run = { first: first!, lastMinute: m };
      }
    }
    await yieldToLoop();
  }
  await closeRun(Number.POSITIVE_INFINITY);

  const needs = dailyNeeds(rule);
  const out: DayRow[] = [];
  for (let k = 0; k < windows.length; k++) {
    const w = windows[k];
    const row = dayRow(version, rule, w, covered[k]);
    if (needs.mean || needs.total) {
      let n = 0;
      let sum = 0;
      for (const bucket of await store.query(rule.sensor, w.start, w.end, w.end - w.start)) {
        n += bucket.n;
        sum += bucket.mean * bucket.n;
      }
      for (const m of badMinutes) {
        if (m + MINUTE <= w.start || m >= w.end) continue;
        for (const r of await store.readings(rule.sensor, Math.max(m, w.start), Math.min(m + MINUTE, w.end))) {
          if (r.q !== 'bad') continue;
          n--;
          sum -= r.value;
        }
      }
      if (needs.mean) row.mean = n > 0 ? sum / n : null;
      if (needs.total) {
        row.total = n > 0 ? sum : null;
        row.totalUnit = totalUnitOf(rule.unit);
      }
    }
    out.push(row);
  }
  return out;
}
