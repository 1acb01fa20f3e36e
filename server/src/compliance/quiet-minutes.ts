/**
 * @module compliance/quiet-minutes
 * Re-evaluating an interval while reading only what the rule can react to. The minute rollups
 * (`store.minuteSummaries`) give each minute's value range. A run of whole, consecutive
 * minutes that the evaluator approves (`canSkip`: an instant rule in state ok, every value in
 * bounds, no gap longer than the hold) changes nothing but the latest reading, so only the
 * run's last minute is read, for that reading (`skipTo`). Every other minute is read and
 * pushed as before. The events, state and snapshots are the same as when every reading is
 * read (property-tested against that on a real store).
 *
 * Why: a backfill replay spends most of its time turning SQLite rows into numbers (about
 * 0.3 µs a reading), and most minutes of a compliant sensor are quiet.
 */
import type { RuleEvaluator, RuleEvent } from '@vigia/shared';
import type { MinuteSummaries, ReadingColumns } from '../storage/store.ts';

const MINUTE_MS = 60_000;

/**
 * Evaluate the readings in [a, b) through `ev`, given the summaries of the minutes
 * overlapping [a, b) and `read` (the store's readingColumns for the sensor).
 */
export async function evaluateSkippingQuiet(
  ev: RuleEvaluator,
  minutes: MinuteSummaries,
  read: (from: number, to: number) => Promise<ReadingColumns>,
  a: number,
  b: number,
): Promise<RuleEvent[]> {
  const { start, min, max, bad } = minutes;
  const events: RuleEvent[] = [];
  /** Readings before `pos` are evaluated. */
  let pos = a;
  /** Some minute in [pos, the current one) holds readings not evaluated yet. */
  let unread = false;
  const evaluateUpTo = async (to: number) => {
    if (unread && pos < to) {
      const cols = await read(pos, to);
      if (cols.ts.length > 0) events.push(...ev.pushColumns(cols.ts, cols.value));
    }
    pos = to;
    unread = false;
  };
  // A minute that can be skipped lies wholly inside [a, b) and holds no bad reading (those
  // count as no data, which the rollups cannot tell).
  const whole = (k: number) => start[k] >= a && start[k] + MINUTE_MS <= b && bad[k] === 0;

  for (let k = 0; k < start.length; k++) {
    if (!whole(k)) {
      unread = true;
      continue;
    }
    await evaluateUpTo(start[k]);
    const firstBefore = start[k] + MINUTE_MS;
    let lo = min[k];
    let hi = max[k];
    // Within one minute consecutive readings are less than a minute apart.
    if (!ev.canSkip(lo, hi, firstBefore, MINUTE_MS)) {
      unread = true;
      continue;
    }
    let j = k + 1;
    while (j < start.length && whole(j) && start[j] === start[j - 1] + MINUTE_MS) {
      // Across consecutive minutes, less than two minutes apart.
      if (!ev.canSkip(Math.min(lo, min[j]), Math.max(hi, max[j]), firstBefore, 2 * MINUTE_MS)) break;
      lo = Math.min(lo, min[j]);
      hi = Math.max(hi, max[j]);
      j++;
    }
    const lastMinute = start[j - 1];
    const cols = await read(lastMinute, lastMinute + MINUTE_MS);
    const last = cols.ts.length - 1;
    if (last < 0 || cols.value[last] < lo || cols.value[last] > hi) {
      // A write between the rollups and this read (the rows no longer match the summary):
      // read these minutes instead. Readings written into a minute already skipped are late
      // to the engine, which replays again from before them.
      unread = true;
      continue;
    }
    ev.skipTo(cols.ts[last], cols.value[last]);
    pos = lastMinute + MINUTE_MS;
    k = j - 1;
  }
  await evaluateUpTo(b);
  return events;
}
