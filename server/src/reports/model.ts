/**
 * @module reports/model
 * The data a compliance report is rendered from: plain values, no I/O, so the renderers are
 * pure and the same object gives the same CSV and HTML. `gather.ts` builds it from meta.db and
 * the readings store; tests build it by hand.
 */

export type Lang = 'es' | 'en';

/** A rule as it stood in one permit version, with what the report needs to label it. */
export type ReportRule = {
  id: string;
  sensor: string;
  sensorName: string | null;
  unit: string | null;
  kind: 'max' | 'min' | 'range';
  min?: number;
  max?: number;
  averaging: string;
  severity: string;
  source?: string;
  /** Hold of the shared rules (expected_interval, else 15 min): how long one reading stands. */
  holdMs: number;
};

/** One permit version and the part of the period it governed ([from, to), clipped to the period). */
export type ReportVersion = {
  version: number;
  from: number;
  to: number;
  updatedAt: number;
  updatedBy: string;
  rules: ReportRule[];
};

/** One rule on one site-local day (or the part of it inside the period and the version's span). */
export type DayRow = {
  version: number;
  rule: string;
  sensor: string;
  /** Local calendar date, YYYY-MM-DD. */
  day: string;
  start: number;
  end: number;
  /** Time covered by held readings (hold model), ms. */
  coveredMs: number;
  /** coveredMs / (end − start), 0..1. */
  availability: number;
  /** Arithmetic mean of the day's readings, where the rule averages daily (null: no reading). */
  mean?: number | null;
  /** Daily total (∫ rate dt for a rate unit, else the sum), where the rule or unit asks for it. */
  total?: number | null;
  totalUnit?: string;
};

export type ReportBreach = {
  id: number;
  version: number;
  rule: string;
  sensor: string;
  severity: string;
  start: number;
  /** null while open. */
  end: number | null;
  durationMs: number;
  peak: number;
  peakTs: number;
  limit: number;
  unit: string | null;
  /** ∫ |value − limit| dt beyond the limit, unit × s. */
  exceedance: number;
  outOfBoundsMs: number;
  /** How complete the data behind it was, 0..1 (null: found before the server kept it). */
  availability: number | null;
  ack: { by: string; at: number; note: string } | null;
  /** Operators' notes (compliance/breach-notes.ts), oldest first; absent or empty when none. */
  notes?: { by: string; at: number; note: string }[];
  /** A withdrawn breach (re-evaluation no longer finds it): when, why, which data; else null. */
  withdrawn: { at: number; reason: string; detail: Record<string, unknown>; mergedInto: number | null } | null;
};

export type ReportPermit = {
  id: string;
  title: string;
  site: string;
  versions: ReportVersion[];
  days: DayRow[];
  /** Breaches in force (open or closed): the ones the summary counts. */
  breaches: ReportBreach[];
  /** Withdrawn breaches, listed apart: kept as a record, not counted. */
  withdrawn: ReportBreach[];
};

export type ReportData = {
  /** The period asked for, [from, to). */
  from: number;
  to: number;
  /** Where data was evaluated up to (min(to, generatedAt)); later days are not counted. */
  dataTo: number;
  timeZone: string;
  generatedAt: number;
  generatedBy: string;
  permits: ReportPermit[];
};

/** The sites the report's permits belong to, each once, in permit order. */
export function reportSites(data: ReportData): string[] {
  return [...new Set(data.permits.map((p) => p.site))];
}
