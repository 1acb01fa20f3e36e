/**
 * @module rules/permit
 * The permit as it travels (docs/api.md "Compliance" and docs/design.md "Compliance rules"): zod schemas
 * whose messages name the rule and the field. Durations stay strings on the wire so a permit
 * reads back exactly as it was written; `compileRule` turns them into milliseconds.
 */
import { z } from 'zod';
import { parseDurationMs } from '../duration.ts';
import { type FormattedIssue, formatPath } from '../format-issues.ts';
import { SensorId, SiteId } from '../ids.ts';
import { parseAveraging } from './compile.ts';

const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9_.-]+$/, 'use only a-z, 0-9, "_", "." and "-" (e.g. co-twa)');

export const RuleKind = z.enum(['max', 'min', 'range']).describe('which limits apply');
/** `breach` and `alarm` are the design's examples; `warning` and `critical` come from the templates. */
export const Severity = z.enum(['warning', 'breach', 'critical', 'alarm']);
export type Severity = z.infer<typeof Severity>;

const RuleObject = z
  .object({
    id: Id.describe('rule id, unique in the permit, e.g. ph'),
    sensor: SensorId,
    kind: RuleKind,
    max: z.number().optional(),
    min: z.number().optional(),
    averaging: z.string().describe('instant | rolling:<dur> | twa:<dur> | daily_mean | daily_total'),
    pending: z.string().optional().describe('how long out of bounds before a breach opens, e.g. "5m"'),
    clear: z.string().optional().describe('how long back in bounds before a breach closes, e.g. "1m"'),
    hysteresis: z.number().nonnegative().optional().describe('to clear, be back inside the limit by this much'),
    severity: Severity,
    source: z.string().optional().describe('where the limit comes from, e.g. "Res. 0631/2015, Art. 5"'),
    expected_interval: z.string().optional().describe('longest silence that is not "no data", e.g. "30s"'),
    period_grace: z
      .string()
      .optional()
      .describe('daily rules: how long after the day ends (site zone) the server waits before judging it, e.g. "2h"'),
  })
  .strict();

/** Default wait after a calendar period (a day) ends before the server judges it. */
export const DEFAULT_PERIOD_GRACE = '2h';
/** The longest `period_grace`: past it a period is judged and late data re-judges it. */
const MAX_PERIOD_GRACE_MS = 7 * 86_400_000;

type GraceProblem = { message: string; reason: PermitIssueReason };

/** Issue message for a bad `period_grace` (`who`: 'rule "x"' or 'permit "y"'), or undefined. */
function periodGraceProblem(who: string, text: string): GraceProblem | undefined {
  const ms = parseDurationMs(text);
  if (ms === undefined)
    return {
      reason: 'not_duration',
      message: `${who}: period_grace "${text}" is not a duration: write a number and a unit, e.g. 2h, 30m, 0s`,
    };
  if (ms > MAX_PERIOD_GRACE_MS)
    return {
      reason: 'grace_too_long',
      message: `${who}: period_grace "${text}" is longer than 7d: a day must be judged within a week (late data re-judges it)`,
    };
  return undefined;
}

/**
 * Why a custom permit issue was raised, carried in the issue's `params.reason` so
 * permit-issues.ts can say it in the reader's language (the `message` stays English, for the API).
 */
export type PermitIssueReason =
  | 'not_duration'
  | 'grace_too_long'
  | 'grace_not_daily'
  | 'averaging_unknown'
  | 'needs_max'
  | 'needs_min'
  | 'no_max'
  | 'no_min'
  | 'min_above_max'
  | 'hysteresis_too_wide'
  | 'rule_twice';

type RuleShape = z.infer<typeof RuleObject>;
type Ctx = z.RefinementCtx;

/** Adds the `period_grace` issue (rule or permit), if any: its reason and the text given in `params`. */
function addGraceIssue(ctx: Ctx, text: string, problem: GraceProblem | undefined): void {
  if (problem)
    ctx.addIssue({
      code: 'custom',
      path: ['period_grace'],
      params: { reason: problem.reason, value: text },
      message: problem.message,
    });
}

function checkDuration(rule: RuleShape, field: 'pending' | 'clear' | 'expected_interval', ctx: Ctx): void {
  const text = rule[field];
  if (text === undefined) return;
  const ms = parseDurationMs(text);
  const zeroOk = field !== 'expected_interval';
  if (ms === undefined || (!zeroOk && ms <= 0)) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      params: { reason: 'not_duration', value: text },
      message: `rule "${rule.id}": ${field} "${text}" is not a duration: write a number and a unit, e.g. 30s, 5m, 8h`,
    });
  }
}

function checkLimits(rule: RuleShape, ctx: Ctx): void {
  const issue = (path: string, reason: PermitIssueReason, message: string) =>
    ctx.addIssue({
      code: 'custom',
      path: [path],
      params: { reason, kind: rule.kind, min: rule.min, max: rule.max },
      message: `rule "${rule.id}": ${message}`,
    });
  const needMax = rule.kind !== 'min';
  const needMin = rule.kind !== 'max';
  if (needMax && rule.max === undefined)
    issue('max', 'needs_max', `kind "${rule.kind}" needs a max: add "max": <limit>`);
  if (needMin && rule.min === undefined)
    issue('min', 'needs_min', `kind "${rule.kind}" needs a min: add "min": <limit>`);
  if (!needMax && rule.max !== undefined)
    issue('max', 'no_max', `kind "min" takes no max: remove it or use kind "range"`);
  if (!needMin && rule.min !== undefined)
    issue('min', 'no_min', `kind "max" takes no min: remove it or use kind "range"`);
  if (rule.kind === 'range' && rule.min !== undefined && rule.max !== undefined) {
    if (rule.min > rule.max) issue('min', 'min_above_max', `min ${rule.min} is above max ${rule.max}: swap them`);
    else if (rule.hysteresis !== undefined && rule.max - rule.min < 2 * rule.hysteresis)
      issue(
        'hysteresis',
        'hysteresis_too_wide',
        `hysteresis ${rule.hysteresis} is wider than half the range: a breach could never clear`,
      );
  }
}

/** One limit on one sensor. */
export const Rule = RuleObject.superRefine((rule, ctx) => {
  if (!parseAveraging(rule.averaging)) {
    ctx.addIssue({
      code: 'custom',
      path: ['averaging'],
      params: { reason: 'averaging_unknown', value: rule.averaging },
      message: `rule "${rule.id}": averaging "${rule.averaging}" is not one of instant, rolling:<dur>, twa:<dur>, daily_mean, daily_total (e.g. twa:8h)`,
    });
  }
  checkDuration(rule, 'pending', ctx);
  checkDuration(rule, 'clear', ctx);
  checkDuration(rule, 'expected_interval', ctx);
  checkLimits(rule, ctx);
  if (rule.period_grace !== undefined) {
    const calendar = rule.averaging === 'daily_mean' || rule.averaging === 'daily_total';
    addGraceIssue(
      ctx,
      rule.period_grace,
      calendar
        ? periodGraceProblem(`rule "${rule.id}"`, rule.period_grace)
        : {
            reason: 'grace_not_daily',
            message: `rule "${rule.id}": period_grace applies only to daily_mean and daily_total rules: remove it`,
          },
    );
  }
});
export type Rule = z.infer<typeof Rule>;

/**
 * A named set of rules for one site.
 * @example Permit.parse({ id: 'vertimiento-2025', title: 'Permiso de vertimientos', site: 'mobile-plant',
 *   rules: [{ id: 'ph', sensor: 'plant.ph', kind: 'range', min: 6, max: 9, averaging: 'instant', severity: 'breach' }] })
 */
/**
 * A `forEach` callback for a rule list at `at` (e.g. `['safety', 'rules']`): adds an issue for
 * each rule whose id an earlier rule of the list already has. Shared by the permit and the
 * edge's local safety rules so both say the same thing.
 */
export function ruleIdCheck(at: readonly (string | number)[], ctx: Ctx): (rule: { id: string }, i: number) => void {
  const seen = new Map<string, number>();
  const list = formatPath(at);
  return (rule, i) => {
    const first = seen.get(rule.id);
    if (first === undefined) seen.set(rule.id, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: [...at, i, 'id'],
        params: { reason: 'rule_twice', value: rule.id },
        message: `rule "${rule.id}" is defined twice (${list}[${first}] and ${list}[${i}]): give each rule its own id`,
      });
  };
}

export const Permit = z
  .object({
    id: Id.describe('permit id, e.g. vertimiento-2025'),
    title: z.string().min(1),
    site: SiteId,
    version: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
    period_grace: z
      .string()
      .optional()
      .describe('default period_grace of the daily rules of this permit (a rule\'s own wins); default "2h"'),
    rules: z.array(Rule),
  })
  .strict()
  .superRefine((permit, ctx) => {
    permit.rules.forEach(ruleIdCheck(['rules'], ctx));
    if (permit.period_grace)
      addGraceIssue(ctx, permit.period_grace, periodGraceProblem(`permit "${permit.id}"`, permit.period_grace));
  });
export type Permit = z.infer<typeof Permit>;

/** How long after a calendar period of `rule` ends the server waits before judging it (ms). */
export function periodGraceMs(permit: Pick<Permit, 'period_grace'>, rule: Pick<Rule, 'period_grace'>): number {
  return parseDurationMs(rule.period_grace ?? permit.period_grace ?? DEFAULT_PERIOD_GRACE) ?? 2 * 3_600_000;
}

/**
 * Issues for rules whose sensor the caller does not know (the server checks against its
 * registry); empty when every sensor is known.
 * @example checkSensors(permit, new Set(['plant.ph'])) // [{ path: 'rules[1].sensor', message: '…' }]
 */
export function checkSensors(permit: Permit, knownSensorIds: Iterable<string>): FormattedIssue[] {
  const known = knownSensorIds instanceof Set ? (knownSensorIds as Set<string>) : new Set(knownSensorIds);
  const issues: FormattedIssue[] = [];
  permit.rules.forEach((rule, i) => {
    if (!known.has(rule.sensor))
      issues.push({
        path: `rules[${i}].sensor`,
        message: `rule "${rule.id}": unknown sensor "${rule.sensor}": check the spelling or add the sensor to a device config first`,
      });
  });
  return issues;
}
