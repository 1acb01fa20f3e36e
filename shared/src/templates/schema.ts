/**
 * @module templates/schema
 * The shape of a permit template: rules as the regulation states them, each with its sources
 * and a confidence mark from reference/regulatory-limits.md. Invariant (checked here,
 * tested in templates.test.ts): a rule carries a number only with a source and a confidence of
 * `primary` or `secondary`; a rule the research could not confirm has `value: null` and a note
 * asking the site to enter the number from its own permit. Never invent a limit.
 */
import { z } from 'zod';
import { RuleKind, Severity } from '../rules/permit.ts';

/** P / S / U of the research notes; `permit` = the number is fixed per site by its permit (no general value). */
export const Confidence = z.enum(['primary', 'secondary', 'unconfirmed', 'permit']);
export type Confidence = z.infer<typeof Confidence>;

/** Where a limit comes from: a title always, an article and a URL where the research has them. */
export const TemplateSource = z
  .object({
    title: z.string().min(1),
    article: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
  })
  .strict();
export type TemplateSource = z.infer<typeof TemplateSource>;

const Limit = z.number().nullable();

const TemplateRuleObject = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_.-]+$/)
      .describe('becomes the permit rule id'),
    parameter: z.string().min(1).describe('what the site maps to one of its sensors'),
    quantity: z.string().min(1),
    unit: z.string().min(1),
    kind: RuleKind,
    /** The limit for kind max/min; null when unconfirmed or fixed by the site's permit. */
    value: Limit.optional(),
    /** The limits for kind range. */
    values: z.object({ min: Limit, max: Limit }).strict().optional(),
    /** A Vigía averaging token; null = the regulation's own method, not (yet) expressible: the site chooses. */
    averaging: z.string().nullable(),
    severity: Severity,
    confidence: Confidence,
    source: z.array(TemplateSource).min(1),
    note: z.string().optional(),
    action: z.string().optional(),
  })
  .strict();

const numbersOf = (r: z.infer<typeof TemplateRuleObject>): (number | null)[] =>
  r.kind === 'range' ? [r.values?.min ?? null, r.values?.max ?? null] : [r.value ?? null];

/** One rule of a template. */
export const TemplateRule = TemplateRuleObject.superRefine((r, ctx) => {
  const issue = (message: string) => ctx.addIssue({ code: 'custom', message: `template rule "${r.id}": ${message}` });
  if (r.kind === 'range' ? r.values === undefined || r.value !== undefined : r.value === undefined || r.values)
    issue(r.kind === 'range' ? 'kind range takes values {min, max}' : `kind ${r.kind} takes value`);
  const nums = numbersOf(r);
  const confirmed = r.confidence === 'primary' || r.confidence === 'secondary';
  if (nums.some((n) => n !== null) && !confirmed) issue(`a number needs confidence primary or secondary`);
  if (nums.some((n) => n === null) && confirmed) issue('a confirmed rule must give its number');
  if (nums.some((n) => n === null) && !r.note)
    issue('a rule without a number needs a note telling the site what to enter');
});
export type TemplateRule = z.infer<typeof TemplateRule>;

export const Template = z
  .object({
    /** As in the reference file (which keeps capitals such as subpartT). */
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    title: z.string().min(1),
    jurisdiction: z.string().min(1),
    appliesTo: z.string().optional(),
    /** Comparison anchors (other countries) are not Colombian law: reports say so. */
    anchor: z.boolean().default(false),
    rules: z.array(TemplateRule).min(1),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    for (const r of t.rules) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `template "${t.id}": rule id "${r.id}" twice` });
      seen.add(r.id);
    }
  });
export type Template = z.infer<typeof Template>;
export type TemplateInput = z.input<typeof Template>;

/** The limit numbers of a template rule (one for max/min, two for range; null = to be entered). */
export function limitsOf(rule: TemplateRule): { min?: number | null; max?: number | null } {
  if (rule.kind === 'range') return { min: rule.values?.min ?? null, max: rule.values?.max ?? null };
  return rule.kind === 'max' ? { max: rule.value ?? null } : { min: rule.value ?? null };
}
