/**
 * @module permit-draft — pure: the permit form's state and the permit it makes. One draft for
 * the three ways in (from a template, blank, editing a stored permit), so they check and save
 * the same way: the shared `Permit` schema decides, and its issues come back in the UI language
 * (shared permitIssues). Limits stay the text the officer typed until checked: an empty field
 * is a missing limit, never a number the regulation did not give.
 */
import {
  type IssueLang,
  limitsOf,
  Permit,
  permitIssues,
  type Rule,
  ruleSourceText,
  type Severity,
  type Template,
  type TemplateRule,
} from '@vigia/shared';
import type { SensorInfo } from './api.ts';
import type { PermitInfo } from './compliance.ts';

export type DraftMode = 'template' | 'blank' | 'edit';

export type DraftRule = {
  /** Stable key for the list (rule ids can be edited). */
  key: string;
  id: string;
  /** What the rule measures: only the site's sensors of this quantity and unit are offered. */
  quantity: string;
  unit: string;
  sensor: string;
  kind: Rule['kind'];
  /** As typed ("6,5"); empty = not given. */
  min: string;
  max: string;
  averaging: string;
  /** How long out of bounds before a breach opens / back in bounds before it closes ("5m"); empty = none. */
  pending: string;
  clear: string;
  severity: Severity;
  /** The stored source text (edit, blank); a template rule's is made from its sources on save. */
  source: string;
  /** Set when the rule comes from a template: its article, note and numbers. */
  template?: TemplateRule;
  /** Fields the form does not show (hysteresis, expected_interval, …), kept as they were stored. */
  rest: Partial<Rule>;
};

export type Draft = {
  mode: DraftMode;
  id: string;
  title: string;
  site: string;
  /** The stored version being edited (the server refuses the save if it moved on: 409). */
  version?: number;
  /** Permit fields the form does not show (period_grace), kept as stored. */
  rest: Partial<Permit>;
  rules: DraftRule[];
};

let keys = 0;
const nextKey = () => `r${++keys}`;
const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** A template's rules, each with the regulation's numbers where it gives them and empty where not. */
export function draftFromTemplate(template: Template, site: string): Draft {
  return {
    mode: 'template',
    id: '',
    title: template.title,
    site,
    rest: {},
    rules: template.rules.map((r) => {
      const limits = limitsOf(r);
      return {
        ...blankRule(),
        id: r.id,
        quantity: r.quantity,
        unit: r.unit,
        kind: r.kind,
        min: text(limits.min),
        max: text(limits.max),
        averaging: r.averaging ?? '',
        severity: r.severity,
        template: r,
      };
    }),
  };
}

/** A new rule with nothing filled in but the kind of limit (the officer picks what it measures). */
export function blankRule(): DraftRule {
  return {
    key: nextKey(),
    id: '',
    quantity: '',
    unit: '',
    sensor: '',
    kind: 'max',
    min: '',
    max: '',
    averaging: '',
    pending: '',
    clear: '',
    severity: 'breach',
    source: '',
    rest: {},
  };
}

export function blankDraft(site: string): Draft {
  return { mode: 'blank', id: '', title: '', site, rest: {}, rules: [blankRule()] };
}

/** A stored permit as a draft; each rule measures what its sensor measures. */
export function draftFromPermit(permit: PermitInfo, sensors: readonly SensorInfo[]): Draft {
  const { id, title, site, rules, version, updated_at: _a, updated_by: _b, ...rest } = permit;
  const extra = rest as Record<string, unknown>;
  delete extra.effective_from;
  return {
    mode: 'edit',
    id,
    title,
    site,
    version: typeof version === 'number' ? version : undefined,
    rest: extra as Partial<Permit>,
    rules: rules.map((r) => {
      const { id: ruleId, sensor, kind, min, max, averaging, pending, clear, severity, source, ...ruleRest } = r;
      const info = sensors.find((s) => s.id === sensor);
      return {
        key: nextKey(),
        id: ruleId,
        quantity: info ? String(info.quantity) : '',
        unit: info?.unit ?? '',
        sensor,
        kind,
        min: text(min),
        max: text(max),
        averaging,
        pending: pending ?? '',
        clear: clear ?? '',
        severity,
        source: source ?? '',
        rest: ruleRest,
      };
    }),
  };
}

/** The site's sensors a rule may use: same site, same quantity and unit. */
export function fittingSensors(
  sensors: readonly SensorInfo[],
  site: string,
  rule: Pick<DraftRule, 'quantity' | 'unit'>,
): SensorInfo[] {
  return sensors.filter((s) => s.site === site && String(s.quantity) === rule.quantity && s.unit === rule.unit);
}

/** The (quantity, unit) pairs the site's sensors measure, for a blank rule to choose from. */
export function measuresOf(sensors: readonly SensorInfo[], site: string): { quantity: string; unit: string }[] {
  const seen = new Map<string, { quantity: string; unit: string }>();
  for (const s of sensors)
    if (s.site === site) seen.set(`${s.quantity}|${s.unit}`, { quantity: String(s.quantity), unit: s.unit });
  return [...seen.values()].sort((a, b) => a.quantity.localeCompare(b.quantity) || a.unit.localeCompare(b.unit));
}

/** "6,5" → 6.5; "" → undefined (not given); anything else stays text for the schema to refuse. */
function limitValue(typed: string): number | string | undefined {
  const t = typed.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : t;
}

/** Whether the officer typed a number other than the template's (then the source says so). */
function entered(r: DraftRule): boolean {
  if (!r.template) return false;
  const limits = limitsOf(r.template);
  return (['min', 'max'] as const).some((k) => k in limits && limitValue(r[k]) !== (limits[k] ?? undefined));
}

/**
 * The rules that go into the permit: every rule, except that from a template only the ones the
 * officer gave a sensor (a template lists many parameters; a site measures a few). None with a
 * sensor: all of them, so the messages say what is missing.
 */
function chosenRules(draft: Draft): DraftRule[] {
  if (draft.mode !== 'template') return draft.rules;
  const mapped = draft.rules.filter((r) => r.sensor !== '');
  return mapped.length > 0 ? mapped : draft.rules;
}

/** The permit the draft describes, unchecked (what the schema is asked about). */
export function permitOfDraft(draft: Draft): Record<string, unknown> {
  const rules = chosenRules(draft).map((r) => {
    const limits: Record<string, unknown> = {};
    if (r.kind !== 'max') limits.min = limitValue(r.min);
    if (r.kind !== 'min') limits.max = limitValue(r.max);
    const source = r.template ? ruleSourceText(r.template, entered(r)) : r.source.trim() || undefined;
    const rule: Record<string, unknown> = {
      ...r.rest,
      id: r.id.trim(),
      sensor: r.sensor,
      kind: r.kind,
      ...limits,
      averaging: r.averaging.trim(),
      pending: r.pending.trim() || undefined,
      clear: r.clear.trim() || undefined,
      severity: r.severity,
      ...(source ? { source } : {}),
    };
    return Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined));
  });
  return {
    ...draft.rest,
    id: draft.id.trim(),
    title: draft.title.trim(),
    site: draft.site,
    ...(draft.version !== undefined ? { version: draft.version } : {}),
    rules,
  };
}

export type DraftCheck = { ok: true; permit: Permit } | { ok: false; issues: string[] };

/** The checked permit, or the schema's issues in `lang` (the rule and field named in words). */
export function checkDraft(draft: Draft, lang: IssueLang): DraftCheck {
  const raw = permitOfDraft(draft);
  const parsed = Permit.safeParse(raw);
  if (parsed.success) return { ok: true, permit: parsed.data };
  return { ok: false, issues: permitIssues(parsed.error, raw, lang).map((i) => i.message) };
}
