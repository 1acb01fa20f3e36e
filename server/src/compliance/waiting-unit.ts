/**
 * @module compliance/waiting-unit
 * A rule that cannot be evaluated until the server knows its sensor's unit (`daily_total`
 * integrates a rate, so it needs m3/h or L/s) waits instead of failing: a permit may be set up
 * before the device's first batch (docs/decisions/2026-12-04-rules-waiting-for-a-unit.md).
 * Invariants: a waiting run evaluates nothing, stores no checkpoint and no breach, and is never
 * replayed; when the unit becomes known the engine rebuilds it and replays it from its start,
 * over the readings stored meanwhile.
 */
import type { CompiledRule, EvaluatorSnapshot, RuleEvaluator } from '@vigia/shared';

/** Whether `rule` cannot be evaluated with `unit` (null: the sensor has sent no metadata yet). */
export function waitsForUnit(rule: CompiledRule, unit: string | null): boolean {
  return unit === null && rule.averaging.kind === 'daily_total';
}

/** Stands in for the evaluator of a waiting run: no events, no state, no watermark. */
export function waitingEvaluator(rule: CompiledRule): RuleEvaluator {
  return {
    rule,
    push: () => [],
    pushColumns: () => [],
    advanceTo: () => [],
    periodEnd: () => null,
    canSkip: () => false,
    skipTo: () => {},
    status: () => ({ state: 'no_data', value: null, at: null, breach: null }),
    // Never stored: a waiting run is never fed, so its watermark stays null and no checkpoint is taken.
    snapshot: () => ({ watermark: null }) as unknown as EvaluatorSnapshot,
    restore: () => {},
  };
}
