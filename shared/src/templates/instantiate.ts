/**
 * @module templates/instantiate
 * A template + the site's sensor mapping + the numbers the site enters → a shared `Permit`,
 * or issues naming what is missing. Never fills a missing limit: a rule whose number the
 * template leaves null needs the site's value, and its source then says so.
 */
import { type FormattedIssue, formatIssues } from '../format-issues.ts';
import { Permit, type Rule } from '../rules/permit.ts';
import { limitsOf, type Template, type TemplateRule, type TemplateSource } from './schema.ts';

/** A limit the site enters: a number for max/min rules, `{ min, max }` for range rules. */
export type SiteValue = number | { min?: number; max?: number };

/** What the site supplies to turn a template into its permit. */
export type SiteTemplateInput = {
  permit: { id: string; site: string; title?: string; version?: string | number };
  /** Template parameter → the site's sensor id, e.g. `{ discharge_temperature: 'plant.temp_out' }`. */
  sensors: Record<string, string>;
  /** Template rule id → the limit from the site's own permit (required where the template has null). */
  values?: Record<string, SiteValue>;
  /** Template rule id → averaging token (required where the template has null). */
  averaging?: Record<string, string>;
  /** Only these template rule ids (default: all). */
  rules?: string[];
  /** The site's own permit, e.g. "Resolución CAR 0456 de 2024"; named in sources of entered values. */
  reference?: string;
  pending?: string;
  clear?: string;
  expected_interval?: string;
};

export type InstantiateResult = { ok: true; permit: Permit } | { ok: false; issues: FormattedIssue[] };

/** "title, article, url" for one source. */
export function formatSource(s: TemplateSource): string {
  return [s.title, s.article, s.url].filter(Boolean).join(', ');
}

/** The permit rule's `source` text: the template's sources, confidence, and who set the number. */
export function ruleSourceText(rule: TemplateRule, entered: boolean, reference?: string): string {
  const refs = rule.source.map(formatSource).join('; ');
  const site = entered ? `; limit entered from the site's permit${reference ? ` (${reference})` : ''}` : '';
  return `${refs} [confidence: ${rule.confidence}${site}]`;
}

function limitsFor(rule: TemplateRule, entered: SiteValue | undefined): { min?: number; max?: number } | string {
  const base = limitsOf(rule);
  const site = typeof entered === 'number' ? (rule.kind === 'min' ? { min: entered } : { max: entered }) : entered;
  if (rule.kind === 'range' && typeof entered === 'number') return 'is a range: enter { "min": …, "max": … }';
  const out: { min?: number; max?: number } = {};
  for (const key of ['min', 'max'] as const) {
    if (!(key in base)) continue;
    const v = site?.[key] ?? base[key];
    if (v === null || v === undefined) return `needs its ${key}`;
    out[key] = v;
  }
  return out;
}

function buildRule(rule: TemplateRule, input: SiteTemplateInput, issues: FormattedIssue[]): Rule | undefined {
  const sensor = input.sensors[rule.parameter];
  const entered = input.values?.[rule.id];
  const averaging = input.averaging?.[rule.id] ?? rule.averaging;
  const where = rule.source[0].article ? `${rule.source[0].title}, ${rule.source[0].article}` : rule.source[0].title;
  if (!sensor)
    issues.push({
      path: `sensors.${rule.parameter}`,
      message: `rule "${rule.id}": map parameter "${rule.parameter}" (${rule.unit}) to one of your sensors, e.g. "sensors": { "${rule.parameter}": "<sensor id>" }`,
    });
  const limits = limitsFor(rule, entered);
  if (typeof limits === 'string')
    issues.push({
      path: `values.${rule.id}`,
      message: `rule "${rule.id}" ${limits}: the template has no confirmed value (${where}); enter the limit in ${rule.unit} from your own permit`,
    });
  if (averaging === null)
    issues.push({
      path: `averaging.${rule.id}`,
      message: `rule "${rule.id}": the regulation's averaging is not a Vigía token; choose one your permit accepts (instant, rolling:<dur>, twa:<dur>, daily_mean, daily_total)`,
    });
  if (!sensor || typeof limits === 'string' || averaging === null) return undefined;
  const extra = { pending: input.pending, clear: input.clear, expected_interval: input.expected_interval };
  return {
    id: rule.id,
    sensor,
    kind: rule.kind,
    ...limits,
    averaging,
    severity: rule.severity,
    source: ruleSourceText(rule, entered !== undefined, input.reference),
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Turn a template into the site's permit.
 * @example instantiateTemplate(templateById('co-res0631-2015-gold-mining')!, {
 *   permit: { id: 'vertimiento-2025', site: 'mobile-plant' }, rules: ['mercurio'],
 *   sensors: { mercurio: 'plant.hg' }, values: { mercurio: 0.002 }, reference: 'Res. CAR 0456/2024' })
 */
export function instantiateTemplate(template: Template, input: SiteTemplateInput): InstantiateResult {
  const issues: FormattedIssue[] = [];
  const known = new Set(template.rules.map((r) => r.id));
  for (const [field, ids] of [
    ['rules', input.rules ?? []],
    ['values', Object.keys(input.values ?? {})],
    ['averaging', Object.keys(input.averaging ?? {})],
  ] as const)
    for (const id of ids)
      if (!known.has(id))
        issues.push({
          path: `${field}.${id}`,
          message: `template "${template.id}" has no rule "${id}": use one of ${[...known].join(', ')}`,
        });
  const chosen = input.rules ? template.rules.filter((r) => input.rules!.includes(r.id)) : template.rules;
  const rules = chosen.map((r) => buildRule(r, input, issues));
  if (issues.length > 0) return { ok: false, issues };
  const parsed = Permit.safeParse({
    id: input.permit.id,
    title: input.permit.title ?? template.title,
    site: input.permit.site,
    ...(input.permit.version !== undefined ? { version: input.permit.version } : {}),
    rules,
  });
  return parsed.success ? { ok: true, permit: parsed.data } : { ok: false, issues: formatIssues(parsed.error) };
}
