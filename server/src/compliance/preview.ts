/**
 * @module compliance/preview
 * "With this permit, [from, to) would have had these breaches": each rule of a permit not yet
 * saved, evaluated over the stored readings of its sensor by the engine's own evaluator
 * (the same compileRule/createEvaluator, the same unit and site zone as runs.ts builds a run
 * with), as replay.ts does. Stores nothing: no breach, no checkpoint, no audit line.
 *
 * Invariants:
 * - Bounded memory: readings come in chunks (reports/read-chunks.ts) and only the breaches
 *   found are kept, at most MAX_PREVIEW_BREACHES a rule (then `truncated`).
 * - The end of the range is the evaluator's watermark (no reading before it will come): a
 *   breach still out of bounds there is answered open (`end: null`), as the live engine
 *   would show it; a calendar day ending before it is judged.
 * - A rule that needs its sensor's unit while the server has none is refused (422), not
 *   answered empty.
 */
import {
  compileRule,
  createEvaluator,
  InputError,
  type Permit,
  type PreviewAnswer,
  type PreviewBreach,
  type RuleEvent,
} from '@vigia/shared';
import type { Meta } from '../meta/meta.ts';
import { readingChunks } from '../reports/read-chunks.ts';
import type { Store } from '../storage/store.ts';
import { breachRecord, openBreach } from './views.ts';
import { waitsForUnit } from './waiting-unit.ts';

/** Breaches answered a rule at most; a rule breached more often than this is shown cut short. */
export const MAX_PREVIEW_BREACHES = 1000;

/** Evaluates every rule of `permit` over [from, to) of stored history. */
export async function previewPermit(
  deps: { meta: Meta; store: Store },
  permit: Permit,
  from: number,
  to: number,
): Promise<PreviewAnswer> {
  const out: PreviewBreach[] = [];
  let truncated = false;
  const timeZone = deps.meta.timeZoneOf(permit.site);
  for (const [i, rule] of permit.rules.entries()) {
    const compiled = compileRule(rule);
    const unit = deps.meta.sensorById(rule.sensor)?.unit ?? null;
    if (waitsForUnit(compiled, unit))
      throw new InputError(
        'unit_unknown',
        `rule "${rule.id}": sensor "${rule.sensor}" has sent no unit yet, and a daily total needs it (el sensor aún no ha enviado su unidad)`,
        `permit.rules[${i}].sensor`,
        422,
      );
    const ev = createEvaluator(compiled, { unit: unit ?? undefined, timeZone });
    const key = { permit: permit.id, version: 0, rule: rule.id };
    let found = 0;
    const take = (events: RuleEvent[]) => {
      for (const e of events) {
        if (e.type !== 'breachClosed') continue;
        if (found++ >= MAX_PREVIEW_BREACHES) truncated = true;
        else out.push(view(breachRecord(key, permit.site, unit, e.breach)));
      }
    };
    // readingChunks yields to the event loop between chunks.
    for await (const chunk of readingChunks(deps.store, rule.sensor, from, to))
      take(ev.pushColumns(chunk.ts, chunk.value));
    take(ev.advanceTo(to));
    const b = openBreach(ev.status());
    if (b && found < MAX_PREVIEW_BREACHES) {
      out.push(view(breachRecord(key, permit.site, unit, { ...b, end: null })));
    }
  }
  out.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  return { breaches: out, truncated };
}

/** A previewed breach: the API's breach shape, never stored (`id` null, nothing acknowledged). */
function view(b: ReturnType<typeof breachRecord>): PreviewBreach {
  return {
    ...b,
    id: null,
    permit_version: b.permit_version,
    state: b.end === null ? 'open' : 'closed',
    withdrawn_at: null,
    withdrawn_reason: null,
    withdrawn_detail: null,
    merged_into: null,
    acknowledged: null,
  };
}
