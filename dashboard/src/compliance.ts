/**
 * @module compliance — pure: the compliance answers as the dashboard holds them (their shapes are
 * shared's wire schemas, docs/api.md "Compliance"), the rules of each sensor, limit text, and the
 * worst rule state of a sensor. Draws nothing and fetches nothing (api.ts and live.ts do).
 */
import type { BreachChange, BreachNote, BreachView, PermitView, Rule, RuleStatusState } from '@vigia/shared';
import { parseDurationMs } from '@vigia/shared';

/**
 * A breach as `GET /api/v1/breaches` and the live `breach` event carry it (shared `BreachView`,
 * parsed), held with its id as text (a map key and a URL segment), its notes (a live event has
 * none) and, from a live event, what changed (`opened`, `updated`, `closed`, `withdrawn`).
 */
export type BreachRow = Omit<BreachView, 'id'> & { id: string; notes: BreachNote[]; change: BreachChange | null };

/** A parsed breach answer (with notes) or live event (with `change`) as the row the pages hold. */
export function toBreachRow(b: BreachView & { notes?: BreachNote[]; change?: BreachChange }): BreachRow {
  return { ...b, id: String(b.id), notes: b.notes ?? [], change: b.change ?? null };
}

/** A permit as `GET /api/v1/permits` answers it (shared `PermitView`). */
export type PermitInfo = PermitView;

/** A rule with the permit it belongs to. */
export type RuleRef = { permit: string; permitTitle: string; rule: Rule };

/** Every rule of every permit, grouped by the sensor it watches. */
export function rulesBySensor(permits: readonly PermitInfo[]): Map<string, RuleRef[]> {
  const out = new Map<string, RuleRef[]>();
  for (const p of permits) {
    for (const rule of p.rules) {
      const list = out.get(rule.sensor) ?? [];
      list.push({ permit: p.id, permitTitle: p.title, rule });
      out.set(rule.sensor, list);
    }
  }
  return out;
}

/** The rule of a breach or status row, looked up by permit and rule id. */
export function findRule(permits: readonly PermitInfo[], permit: string, rule: string): RuleRef | null {
  for (const p of permits) {
    if (p.id !== permit) continue;
    const r = p.rules.find((x) => x.id === rule);
    if (r) return { permit: p.id, permitTitle: p.title, rule: r };
  }
  return null;
}

/** The limit values of a rule, for chart lines: [min] | [max] | [min, max]. */
export function limitValues(rule: Pick<Rule, 'min' | 'max'>): number[] {
  return [rule.min, rule.max].filter((v): v is number => typeof v === 'number');
}

/**
 * The limit as people write it, numbers through `fmt`: "6–9", "≤ 25", "≥ 2".
 * @example limitText({ kind: 'range', min: 6, max: 9 }, String) // "6–9"
 */
export function limitText(rule: Pick<Rule, 'kind' | 'min' | 'max'>, fmt: (v: number) => string): string {
  if (rule.kind === 'range' && rule.min !== undefined && rule.max !== undefined)
    return `${fmt(rule.min)}–${fmt(rule.max)}`;
  if (rule.max !== undefined) return `≤ ${fmt(rule.max)}`;
  if (rule.min !== undefined) return `≥ ${fmt(rule.min)}`;
  return '';
}

/** Alarm-class severities (safety) look different from permit breaches. */
export function isAlarmSeverity(severity: string): boolean {
  return severity === 'alarm' || severity === 'critical';
}

/** The pending delay of a rule in ms (0 when absent or malformed). */
export function pendingMs(rule: Pick<Rule, 'pending'>): number {
  return rule.pending ? (parseDurationMs(rule.pending) ?? 0) : 0;
}

/** What one sensor's tile shows for its rules: the worst state and the rule behind it. */
export type SensorRuleState = { state: RuleStatusState; severity: string; ref: RuleRef };

const RANK: Record<RuleStatusState, number> = {
  ok: 0,
  no_data: 1,
  waiting_unit: 1,
  pending: 2,
  clearing: 3,
  breach: 4,
};

/**
 * The worst state among a sensor's rules (breach > clearing > pending > no_data > ok); an
 * alarm-severity rule wins a tie. Rules without a status count as unknown and are skipped;
 * null when none has one.
 */
export function worstRuleState(
  refs: readonly RuleRef[],
  statusOf: (ref: RuleRef) => RuleStatusState | undefined,
): SensorRuleState | null {
  let best: SensorRuleState | null = null;
  for (const ref of refs) {
    const state = statusOf(ref);
    if (!state) continue;
    const cand = { state, severity: ref.rule.severity, ref };
    if (!best || RANK[state] > RANK[best.state]) best = cand;
    else if (RANK[state] === RANK[best.state] && isAlarmSeverity(cand.severity) && !isAlarmSeverity(best.severity))
      best = cand;
  }
  return best;
}

/** `permit/rule`: the key for a rule's status. */
export function ruleKey(permit: string, rule: string): string {
  return `${permit}/${rule}`;
}

/**
 * Statuses with a live breach event applied: an open breach puts its rule in `breach`; a
 * closed or withdrawn one puts it back to `ok` (the next `/rules/status` fetch refines this).
 */
export function applyBreach(
  statuses: ReadonlyMap<string, RuleStatusState>,
  breach: BreachRow,
): Map<string, RuleStatusState> {
  const next = new Map(statuses);
  const open = breach.end === null && breach.change !== 'withdrawn' && breach.change !== 'closed';
  next.set(ruleKey(breach.permit, breach.rule), open ? 'breach' : 'ok');
  return next;
}

/** Breaches by id with a live event applied: a withdrawn breach leaves, any other replaces. */
export function applyBreachEvent(breaches: ReadonlyMap<string, BreachRow>, breach: BreachRow): Map<string, BreachRow> {
  const next = new Map(breaches);
  if (breach.change === 'withdrawn') next.delete(breach.id);
  else next.set(breach.id, breach);
  return next;
}

/** Rule states older than this are shown as not current (three missed polls of 10 s). */
export const LIMITS_STALE_AFTER_MS = 35_000;

/**
 * Whether the page must say that the limit states are not current: there are rules, and the
 * last successful fetch of their states is too old (or never happened since the page opened
 * `openedAt`). Without it an operator would take old limit states for live ones.
 */
export function limitsStale(hasRules: boolean, statusAt: number | null, openedAt: number, now: number): boolean {
  if (!hasRules) return false;
  return now - (statusAt ?? openedAt) > LIMITS_STALE_AFTER_MS;
}
