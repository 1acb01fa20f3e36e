/**
 * @module compliance/views
 * How a stored breach looks on the API, the live stream and webhooks: the shapes are the wire
 * schemas of shared/src/wire/compliance.ts (docs/api.md "Compliance"); this module fills them.
 */
import type { Breach, BreachView, RuleStatus } from '@vigia/shared';
import { type BreachRecord, breachState, type NewBreach, type RunKey } from '../meta/compliance.ts';

/** The breach still open in an evaluator's status (in breach or clearing), else null. */
export const openBreach = (s: RuleStatus): Breach | null =>
  s.breach && (s.state === 'breach' || s.state === 'clearing') ? s.breach : null;

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
