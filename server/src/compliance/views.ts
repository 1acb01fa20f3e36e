/**
 * @module compliance/views
 * How breaches and rule states look on the API, the live stream and webhooks (docs/api.md
 * "Compliance"). Candidates for shared/ as zod schemas once the dashboard reads them (docs/design.md C2),
 * as auth/roles.ts says of its own.
 */
import type { Breach, RuleStatus, RuleStatusState } from '@vigia/shared';
import { type BreachRecord, type BreachState, breachState, type NewBreach, type RunKey } from '../meta/compliance.ts';

/** The breach still open in an evaluator's status (in breach or clearing), else null. */
export const openBreach = (s: RuleStatus): Breach | null =>
  s.breach && (s.state === 'breach' || s.state === 'clearing') ? s.breach : null;

/** The stored breach as the API shows it: the acknowledgement as one object (null until given). */
export type BreachView = Omit<BreachRecord, 'ack_by' | 'ack_at' | 'ack_note'> & {
  state: BreachState;
  acknowledged: { by: string; at: number; note: string } | null;
};

/** `breach` live events: the breach and what happened to it. */
export type BreachChange = 'opened' | 'updated' | 'closed' | 'withdrawn';
export type LiveBreach = BreachView & { change: BreachChange };

export type RuleStatusView = {
  permit: string;
  permit_version: number;
  rule: string;
  sensor: string;
  state: RuleStatusState;
  value: number | null;
  at: number | null;
  /** Newest reading evaluated (event time). */
  last_reading: number | null;
  breach: number | null;
};

/** The API shape; `watermark` (the rule's newest evaluated time) lengthens an open breach. */
export function breachView(b: BreachRecord, watermark?: number | null): BreachView {
  const duration = b.end !== null ? b.end - b.start : Math.max(b.duration_ms, (watermark ?? b.start) - b.start);
  return {
    id: b.id,
    permit: b.permit,
    permit_version: b.permit_version,
    site: b.site,
    rule: b.rule,
    sensor: b.sensor,
    severity: b.severity,
    start: b.start,
    opened_ts: b.opened_ts,
    end: b.end,
    closed_by: b.closed_by,
    peak: b.peak,
    peak_ts: b.peak_ts,
    duration_ms: duration,
    out_of_bounds_ms: b.out_of_bounds_ms,
    exceedance: b.exceedance,
    limit: b.limit,
    unit: b.unit,
    availability: b.availability,
    state: breachState(b),
    withdrawn_at: b.withdrawn_at,
    withdrawn_reason: b.withdrawn_reason,
    withdrawn_detail: b.withdrawn_detail,
    merged_into: b.merged_into,
    acknowledged: b.ack_by !== null ? { by: b.ack_by, at: b.ack_at!, note: b.ack_note ?? '' } : null,
  };
}

/** A breach from the evaluator as the row to store for `key`. */
export function breachRecord(
  key: RunKey,
  site: string,
  unit: string | null,
  b: Breach,
  closedBy: string | null = b.closedBy,
): NewBreach {
  return {
    permit: key.permit,
    permit_version: key.version,
    site,
    rule: key.rule,
    sensor: b.sensor,
    severity: b.severity,
    start: b.start,
    opened_ts: b.openedTs,
    end: b.end,
    closed_by: closedBy,
    peak: b.peak,
    peak_ts: b.peakTs,
    duration_ms: b.durationMs,
    out_of_bounds_ms: b.outOfBoundsMs,
    exceedance: b.exceedance,
    limit: b.limit,
    unit,
    availability: b.availability,
  };
}
