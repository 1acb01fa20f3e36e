/**
 * @module reports/summary
 * The figures a regulator reads first: breaches per rule, time in breach within the period,
 * the worst exceedance, and data availability. Pure, from the report data alone.
 */
import type { ReportBreach, ReportData, ReportPermit } from './model.ts';

/** How far a breach went: peak beyond its limit, absolute and relative (null when the limit is 0). */
export type Excess = { breach: number; rule: string; excess: number; pct: number | null; unit: string | null };

export type RuleSummary = {
  rule: string;
  breaches: number;
  /** Σ breach durations clipped to the period (an open breach runs to the data's end). */
  timeInBreachMs: number;
  worst: Excess | null;
  /** Σ covered / Σ window over the rule's days. */
  availability: number | null;
};

export type PermitSummary = RuleSummary & { permit: string; rules: RuleSummary[] };

export function excessOf(b: ReportBreach): Excess {
  const excess = Math.abs(b.peak - b.limit);
  return {
    breach: b.id,
    rule: b.rule,
    excess,
    pct: b.limit === 0 ? null : (excess / Math.abs(b.limit)) * 100,
    unit: b.unit,
  };
}

/** The larger exceedance: by percentage where both have one, else by absolute excess. */
function worse(a: Excess | null, b: Excess): Excess {
  if (!a) return b;
  if (a.pct !== null && b.pct !== null) return b.pct > a.pct ? b : a;
  if (a.pct === null && b.pct !== null) return a;
  if (b.pct === null && a.pct !== null) return b;
  return b.excess > a.excess ? b : a;
}

/** A breach's time inside [from, to). */
export function clippedMs(b: ReportBreach, from: number, to: number): number {
  const end = b.end ?? b.start + b.durationMs;
  return Math.max(0, Math.min(end, to) - Math.max(b.start, from));
}

function summarizeRules(p: ReportPermit, data: ReportData): RuleSummary[] {
  const ids = [...new Set([...p.versions.flatMap((v) => v.rules.map((r) => r.id)), ...p.breaches.map((b) => b.rule)])];
  return ids.map((rule) => {
    const bs = p.breaches.filter((b) => b.rule === rule);
    const days = p.days.filter((d) => d.rule === rule);
    const window = days.reduce((s, d) => s + (d.end - d.start), 0);
    return {
      rule,
      breaches: bs.length,
      timeInBreachMs: bs.reduce((s, b) => s + clippedMs(b, data.from, data.to), 0),
      worst: bs.reduce<Excess | null>((w, b) => worse(w, excessOf(b)), null),
      availability: window > 0 ? days.reduce((s, d) => s + d.coveredMs, 0) / window : null,
    };
  });
}

/** Per permit: its rules and the permit's totals (availability over all its rule-days). */
export function summarize(data: ReportData): PermitSummary[] {
  return data.permits.map((p) => {
    const rules = summarizeRules(p, data);
    const window = p.days.reduce((s, d) => s + (d.end - d.start), 0);
    return {
      permit: p.id,
      rule: '',
      rules,
      breaches: rules.reduce((s, r) => s + r.breaches, 0),
      timeInBreachMs: rules.reduce((s, r) => s + r.timeInBreachMs, 0),
      worst: rules.reduce<Excess | null>((w, r) => (r.worst ? worse(w, r.worst) : w), null),
      availability: window > 0 ? p.days.reduce((s, d) => s + d.coveredMs, 0) / window : null,
    };
  });
}
