/**
 * @module rules/compile
 * Turns a validated permit rule (durations as strings, as it travels) into the numbers the
 * evaluators use. Pure; never throws on a rule that passed `Rule` validation.
 */
import { parseDurationMs } from '../duration.ts';

/** How a rule turns readings into the value compared with its limit. */
export type AveragingSpec =
  | { kind: 'instant' }
  | { kind: 'rolling'; windowMs: number }
  | { kind: 'twa'; windowMs: number }
  | { kind: 'daily_mean' }
  | { kind: 'daily_total' };

const AVERAGING_RE = /^(instant|daily_mean|daily_total)$|^(rolling|twa):(.*)$/;

/**
 * `"twa:8h"` → `{ kind: 'twa', windowMs: 28_800_000 }`; `undefined` when malformed.
 * @example parseAveraging('rolling:15m') // { kind: 'rolling', windowMs: 900000 }
 */
export function parseAveraging(text: string): AveragingSpec | undefined {
  const m = AVERAGING_RE.exec(text);
  if (!m) return undefined;
  if (m[1]) return { kind: m[1] as 'instant' | 'daily_mean' | 'daily_total' };
  const windowMs = parseDurationMs(m[3]);
  if (windowMs === undefined || windowMs <= 0) return undefined;
  return { kind: m[2] as 'rolling' | 'twa', windowMs };
}

/** The fields of a rule the evaluators read; `min`/`max` are ±Infinity when absent. */
export type CompiledRule = {
  id: string;
  sensor: string;
  severity: string;
  min: number;
  max: number;
  hysteresis: number;
  pendingMs: number;
  clearMs: number;
  averaging: AveragingSpec;
  expectedIntervalMs?: number;
};

/** The subset of the `Rule` shape compile needs (kept structural so tests can pass literals). */
export type RuleInput = {
  id: string;
  sensor: string;
  kind: 'max' | 'min' | 'range';
  max?: number;
  min?: number;
  averaging: string;
  pending?: string;
  clear?: string;
  hysteresis?: number;
  severity: string;
  expected_interval?: string;
};

function durationOr(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`rule duration "${text}" is malformed: validate the permit first`);
  return ms;
}

/** Numbers for the evaluators. Throws only on a rule that skipped validation. */
export function compileRule(rule: RuleInput): CompiledRule {
  const averaging = parseAveraging(rule.averaging);
  if (!averaging) throw new Error(`rule "${rule.id}": averaging "${rule.averaging}" is malformed`);
  return {
    id: rule.id,
    sensor: rule.sensor,
    severity: rule.severity,
    min: rule.kind === 'max' ? Number.NEGATIVE_INFINITY : (rule.min ?? Number.NEGATIVE_INFINITY),
    max: rule.kind === 'min' ? Number.POSITIVE_INFINITY : (rule.max ?? Number.POSITIVE_INFINITY),
    hysteresis: rule.hysteresis ?? 0,
    pendingMs: durationOr(rule.pending, 0),
    clearMs: durationOr(rule.clear, 0),
    averaging,
    expectedIntervalMs: rule.expected_interval === undefined ? undefined : durationOr(rule.expected_interval, 0),
  };
}

/** `rule` as evaluators take it: compiled unless it already is. */
export function compiledRule(rule: RuleInput | CompiledRule): CompiledRule {
  return 'pendingMs' in rule ? rule : compileRule(rule);
}

/** How far `value` is beyond the rule's limits (0 when within them). */
export function excessOf(rule: CompiledRule, value: number): number {
  if (value > rule.max) return value - rule.max;
  if (value < rule.min) return rule.min - value;
  return 0;
}

/** The limit `value` lies beyond (for the breach record); `undefined` when in bounds. */
export function limitCrossed(rule: CompiledRule, value: number): number | undefined {
  if (value > rule.max) return rule.max;
  if (value < rule.min) return rule.min;
  return undefined;
}

/** Back inside the limits by the hysteresis band: the condition a breach needs to clear. */
export function isClear(rule: CompiledRule, value: number): boolean {
  return value <= rule.max - rule.hysteresis && value >= rule.min + rule.hysteresis;
}
