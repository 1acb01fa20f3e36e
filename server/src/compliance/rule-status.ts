/**
 * @module compliance/rule-status
 * What each active rule shows now (`GET /api/v1/rules/status`, the dashboard's rule cards), from
 * the engine's runs. Invariants: only active runs (the current permit versions) are listed; a
 * rule whose sensor has been silent past its hold says `no_data` with no value, never a stale
 * one; a rule still waiting for its sensor's unit says `waiting_unit`; `breach` is the id of the
 * open breach, if any.
 */
import type { RuleStatusView } from '@vigia/shared';
import type { Meta } from '../meta/meta.ts';
import { active, type Runs } from './runs.ts';
import { openBreach } from './views.ts';

/** The status of every active rule at `now` (server ms). */
export function ruleStatus(runs: Runs, meta: Pick<Meta, 'breachByKey'>, now: number): RuleStatusView[] {
  const out: RuleStatusView[] = [];
  for (const run of runs.all.values()) {
    if (!active(run)) continue;
    const rule = { permit: run.key.permit, permit_version: run.key.version, rule: run.key.rule, sensor: run.sensor };
    if (run.waitingUnit) {
      out.push({ ...rule, state: 'waiting_unit', value: null, at: null, last_reading: null, breach: null });
      continue;
    }
    const s = run.ev.status();
    const silent = run.lastTs === null || now - run.lastTs > run.holdMs;
    const open = openBreach(s);
    out.push({
      ...rule,
      state: silent ? 'no_data' : s.state,
      value: silent ? null : s.value,
      at: s.at,
      last_reading: run.lastTs,
      breach: open ? (meta.breachByKey(run.key, open.start)?.id ?? null) : null,
    });
  }
  return out;
}
