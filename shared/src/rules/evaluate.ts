/**
 * @module rules/evaluate
 * Incremental rule evaluation for the server's compliance engine and the edge's local safety
 * rules: readings in → state changes and breach events out, in event time.
 *
 * Invariants:
 * - Pure: no I/O, no clock. Time comes from readings, and from the caller's watermark
 *   (`advanceTo`) so a silent sensor becomes "no data" even though no reading says so.
 * - Readings must come in strictly increasing `ts`; one before the watermark (or at the last
 *   reading's `ts`) is not applied and is reported as `readingLate`. Readings with
 *   `q: 'bad'` are skipped (they count as no data).
 * - Feeding the same readings in any chunking gives the same breaches as `evaluateAll`
 *   (property-tested); `snapshot()` / `restore()` round-trip through JSON, so open breaches
 *   survive restarts.
 *
 * Late or out-of-order data: the evaluator never rewrites the past. The server keeps
 * snapshots (checkpoints) and, for late readings with earliest `ts` L, restores the newest
 * snapshot whose `watermark` < L and replays its stored readings after that watermark with
 * `evaluateRange` (breach ids are `<rule>:<start>`, so it can replace what it stored).
 * `lateImpact` says from when results may change: averaged values change only in
 * [affectedFrom, affectedFrom + window + hold] and timers within pending + clear after that;
 * an open breach may carry the difference further, so replay runs to the current watermark.
 */
import type { Quality } from '../reading.ts';
import { type Averager, type AveragerSnapshot, createAverager, DEFAULT_EXPECTED_INTERVAL_MS } from './averaging.ts';
import { type CompiledRule, compiledRule, excessOf, type RuleInput } from './compile.ts';
import type { Breach, RuleEvent, RuleState } from './events.ts';
import { type MachineSnapshot, RuleMachine } from './machine.ts';
import { dayClock } from './time-zone.ts';

/** A reading as the evaluator needs it (a wire `Reading` fits). */
export type Sample = { ts: number; value: number; q?: Quality };

export type EvaluatorOptions = {
  /** Hold and no-data limit when the rule has no `expected_interval` (e.g. 3 × the sensor's interval). */
  expectedIntervalMs?: number;
  /** The sensor's unit; required for `daily_total`. */
  unit?: string;
  /** Site time zone for daily rules; default America/Bogota. */
  timeZone?: string;
};

export type EvaluatorSnapshot = {
  v: 1;
  rule: string;
  fingerprint: string;
  lastTs: number | null;
  watermark: number | null;
  averager: AveragerSnapshot;
  machine: MachineSnapshot;
};

export type RuleStatus = { state: RuleState; value: number | null; at: number | null; breach: Breach | null };

export interface RuleEvaluator {
  readonly rule: CompiledRule;
  /** Readings in `ts` order → events. */
  push(readings: readonly Sample[]): RuleEvent[];
  /**
   * `push` for readings given as columns (`ts[i]`, `values[i]`), none of quality `bad`: the
   * same events and state, without an object per reading (bulk replay reads columns).
   * @example ev.pushColumns(Float64Array.of(t0, t0 + 1000), Float64Array.of(7.1, 9.6))
   */
  pushColumns(ts: ArrayLike<number>, values: ArrayLike<number>): RuleEvent[];
  /** The caller's clock or stream position: no reading before it will come. */
  advanceTo(watermark: number): RuleEvent[];
  /**
   * The end of the calendar period holding the watermark, not yet judged (daily rules: that
   * day's end in the site's zone); null before any reading and for rules without periods.
   * `advanceTo(periodEnd())` judges it on what arrived.
   */
  periodEnd(): number | null;
  /**
   * Whether readings the caller has not read would change nothing here but the latest reading:
   * values within [lo, hi], the first before `firstBefore`, each less than `maxGapMs` after the
   * one before. True only for an instant rule in state ok, with [lo, hi] inside its limits,
   * the first reading within the hold of the latest one and `maxGapMs` within the hold. Then
   * `skipTo` with the last of them leaves the same state, snapshot and events (none) as pushing
   * them all. The compliance replay uses it to skip quiet minutes found in the rollups.
   */
  canSkip(lo: number, hi: number, firstBefore: number, maxGapMs: number): boolean;
  /** Stand for readings `canSkip` approved, given the last of them (`ts` after the watermark). */
  skipTo(ts: number, value: number): void;
  status(): RuleStatus;
  snapshot(): EvaluatorSnapshot;
  restore(snap: EvaluatorSnapshot): void;
}

/** The hold (ms) a rule uses: its `expected_interval`, else the caller's, else 15 min. */
export function holdMsFor(rule: CompiledRule, opts: EvaluatorOptions = {}): number {
  return rule.expectedIntervalMs ?? opts.expectedIntervalMs ?? DEFAULT_EXPECTED_INTERVAL_MS;
}

function fingerprint(rule: CompiledRule, opts: EvaluatorOptions): string {
  return JSON.stringify([rule, holdMsFor(rule, opts), opts.unit ?? null, opts.timeZone ?? null]);
}

/**
 * An incremental evaluator for one rule.
 * @example
 * const ev = createEvaluator(permit.rules[0]);
 * const events = ev.push([{ ts: 1764000000000, value: 9.6 }]); // stateChanged → pending
 */
export function createEvaluator(rule: RuleInput | CompiledRule, opts: EvaluatorOptions = {}): RuleEvaluator {
  const compiled = compiledRule(rule);
  const avgOpts = { holdMs: holdMsFor(compiled, opts), unit: opts.unit, timeZone: opts.timeZone };
  const print = fingerprint(compiled, opts);
  let avg: Averager = createAverager(compiled.averaging, avgOpts);
  let machine = new RuleMachine(compiled);
  let lastTs: number | null = null;
  let watermark: number | null = null;
  let out: RuleEvent[] = [];
  const sink = (ts: number, value: number, until: number, coverage: number) =>
    machine.apply(ts, value, until, out, coverage);

  const holdMs = avgOpts.holdMs;
  const pushValue = (ts: number, value: number) => {
    if (!Number.isFinite(value)) return;
    if (watermark !== null && (ts < watermark || ts === lastTs)) {
      out.push({ type: 'readingLate', rule: compiled.id, ts, watermark });
      return;
    }
    avg.push(ts, value, sink);
    lastTs = watermark = ts;
    machine.advance(avg.settledTo(ts), out);
  };
  const drain = () => {
    const events = out;
    out = [];
    return events;
  };

  return {
    rule: compiled,
    push(readings) {
      for (const r of readings) if (r.q !== 'bad') pushValue(r.ts, r.value);
      return drain();
    },
    pushColumns(ts, values) {
      if (ts.length !== values.length) throw new Error('pushColumns: ts and values differ in length');
      for (let i = 0; i < ts.length; i++) pushValue(ts[i], values[i]);
      return drain();
    },
    advanceTo(w) {
      if (watermark !== null && w <= watermark) return [];
      watermark = w;
      avg.advance(w, sink);
      machine.advance(avg.settledTo(w), out);
      return drain();
    },
    periodEnd: () => (watermark === null ? null : avg.periodEnd(watermark)),
    canSkip(lo, hi, firstBefore, maxGapMs) {
      // Instant only: any averaging window would have to be refilled from the skipped readings.
      return (
        compiled.averaging.kind === 'instant' &&
        machine.state === 'ok' &&
        machine.value !== null &&
        lo <= hi &&
        excessOf(compiled, lo) <= 0 &&
        excessOf(compiled, hi) <= 0 &&
        firstBefore - 1 <= machine.until &&
        maxGapMs <= holdMs
      );
    },
    skipTo(ts, value) {
      if (watermark !== null && ts <= watermark)
        throw new Error(`skipTo(${ts}) is not after the watermark ${watermark}`);
      machine.standIn(ts, value, ts + holdMs);
      lastTs = watermark = ts;
    },
    status: () => ({ state: machine.state, value: machine.value, at: machine.at, breach: machine.current() }),
    snapshot: () => ({
      v: 1,
      rule: compiled.id,
      fingerprint: print,
      lastTs,
      watermark,
      averager: JSON.parse(JSON.stringify(avg.snapshot())),
      machine: machine.snapshot(),
    }),
    restore(snap) {
      if (snap.v !== 1 || snap.fingerprint !== print)
        throw new Error(`snapshot of rule "${snap.rule}" was taken with other settings: re-evaluate from the readings`);
      avg = createAverager(compiled.averaging, avgOpts, snap.averager);
      machine = new RuleMachine(compiled, snap.machine);
      lastTs = snap.lastTs;
      watermark = snap.watermark;
    },
  };
}

export type RangeResult = { events: RuleEvent[]; breaches: Breach[]; snapshot: EvaluatorSnapshot };

/**
 * Re-evaluates `readings` (ts order) from a checkpoint (or from scratch), then advances to
 * `until` if given. `breaches` are those closed in the range plus the one still open.
 */
export function evaluateRange(
  rule: RuleInput | CompiledRule,
  readings: readonly Sample[],
  fromState?: EvaluatorSnapshot,
  opts: EvaluatorOptions & { until?: number } = {},
): RangeResult {
  const ev = createEvaluator(rule, opts);
  if (fromState) ev.restore(fromState);
  const events = ev.push(readings);
  if (opts.until !== undefined) events.push(...ev.advanceTo(opts.until));
  const breaches: Breach[] = [];
  for (const e of events) if (e.type === 'breachClosed') breaches.push(e.breach);
  const { breach: open, state } = ev.status();
  if (open && state !== 'pending') breaches.push(open);
  return { events, breaches, snapshot: ev.snapshot() };
}

/** Where a late reading at `lateTs` can change results; see the module header. */
export function lateImpact(
  rule: RuleInput | CompiledRule,
  lateTs: number,
  opts: EvaluatorOptions = {},
): { checkpointBefore: number; affectedFrom: number; valuesSettleBy: number } {
  const r = compiledRule(rule);
  const a = r.averaging;
  const daily = a.kind === 'daily_mean' || a.kind === 'daily_total';
  const day = daily ? dayClock(opts.timeZone)(lateTs) : undefined;
  const affectedFrom = day ? day.start : lateTs;
  const windowMs = day ? day.end - day.start : a.kind === 'rolling' || a.kind === 'twa' ? a.windowMs : 0;
  const valuesSettleBy = affectedFrom + windowMs + holdMsFor(r, opts) + r.pendingMs + r.clearMs;
  return { checkpointBefore: lateTs, affectedFrom, valuesSettleBy };
}
