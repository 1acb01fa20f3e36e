/**
 * @module compliance — pure: the compliance shapes as they travel (docs/api.md, "Compliance"),
 * tolerant normalisers for them, the rules of each sensor, limit text, and the worst rule
 * state of a sensor. Draws nothing and fetches nothing (api.ts and live.ts do).
 */
import {
  type Permit,
  parseDurationMs,
  type Rule,
  type RuleStatusState,
  RuleStatusState as RuleStatusStateSchema,
} from '@vigia/shared';

/** A breach as `GET /api/v1/breaches` and the live `breach` event carry it. */
export type BreachRow = {
  id: string;
  permit: string;
  permitVersion: number | string | null;
  rule: string;
  sensor: string;
  severity: string;
  start: number;
  end: number | null;
  peak: number;
  durationMs: number;
  limit: number | null;
  unit: string | null;
  acknowledged: { by: string; at: number; note: string } | null;
  /** Operators' notes of what was done, oldest first (POST /api/v1/breaches/:id/notes). */
  notes?: { by: string; at: number; note: string }[];
  /** On live events: opened | updated | closed | withdrawn (re-evaluation no longer finds it). */
  change: string | null;
  /** open | closed | withdrawn (kept, never deleted: re-evaluation no longer finds it). */
  state: BreachState;
  /** How complete the data behind it was, 0..1; null when the server did not say. */
  availability: number | null;
  /** Set on a withdrawn breach: when, why (late_data, correction, merged, …), which data. */
  withdrawn: { at: number; reason: string; detail: Record<string, unknown>; mergedInto: string | null } | null;
};

export type BreachState = 'open' | 'closed' | 'withdrawn';

/** One row of `GET /api/v1/rules/status`. */
export type RuleStatus = {
  permit: string;
  rule: string;
  sensor: string;
  state: RuleStatusState;
  value: number | null;
  at: number | null;
};

/** A permit as `GET /api/v1/permits` answers it (extra fields kept loose). */
export type PermitInfo = Permit & { version?: number | string; updated_at?: number; updated_by?: string };

/** A rule with the permit it belongs to. */
export type RuleRef = { permit: string; permitTitle: string; rule: Rule };

const STATES: readonly RuleStatusState[] = RuleStatusStateSchema.options;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function ackOf(raw: unknown): BreachRow['acknowledged'] {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Record<string, unknown>;
  const at = num(a.at);
  if (at === null) return null;
  return { by: str(a.by) ?? '', at, note: str(a.note) ?? '' };
}

/**
 * A breach from the wire, or null when it lacks what the list needs. Accepts snake_case (the
 * doc) and the evaluator's camelCase, a numeric or string id, and a missing duration
 * (computed from start and end, or `now` while open).
 */
export function toBreachRow(raw: unknown, now = Date.now()): BreachRow | null {
  if (!raw || typeof raw !== 'object') return null;
  const b = raw as Record<string, unknown>;
  const id = str(b.id);
  const rule = str(b.rule);
  const sensor = str(b.sensor);
  const start = num(b.start);
  if (id === null || rule === null || sensor === null || start === null) return null;
  const end = num(b.end);
  const duration = num(b.duration_ms) ?? num(b.durationMs) ?? (end ?? now) - start;
  return {
    id,
    permit: str(b.permit) ?? '',
    permitVersion: (b.permit_version as number | string | undefined) ?? null,
    rule,
    sensor,
    severity: str(b.severity) ?? 'breach',
    start,
    end,
    peak: num(b.peak) ?? Number.NaN,
    durationMs: Math.max(0, duration),
    limit: num(b.limit),
    unit: str(b.unit),
    acknowledged: ackOf(b.acknowledged),
    notes: Array.isArray(b.notes) ? b.notes.map(ackOf).filter((n) => n !== null) : [],
    change: str(b.change),
    state: b.state === 'withdrawn' ? 'withdrawn' : end === null ? 'open' : 'closed',
    availability: num(b.availability),
    withdrawn: withdrawnOf(b),
  };
}

function withdrawnOf(b: Record<string, unknown>): BreachRow['withdrawn'] {
  const at = num(b.withdrawn_at);
  if (b.state !== 'withdrawn' || at === null) return null;
  const detail = b.withdrawn_detail && typeof b.withdrawn_detail === 'object' ? b.withdrawn_detail : {};
  return {
    at,
    reason: str(b.withdrawn_reason) ?? '',
    detail: detail as Record<string, unknown>,
    mergedInto: str(b.merged_into),
  };
}

export function toRuleStatus(raw: unknown): RuleStatus | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const state = STATES.find((s) => s === r.state);
  const rule = str(r.rule);
  const sensor = str(r.sensor);
  if (!state || rule === null || sensor === null) return null;
  return { permit: str(r.permit) ?? '', rule, sensor, state, value: num(r.value), at: num(r.at) };
}

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
