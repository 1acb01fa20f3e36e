/**
 * @module wire/compliance — breaches and rule states as the server answers it (docs/api.md, "Compliance"): on
 * `GET /api/v1/breaches`, the ack and notes routes, the live `breach` event, webhooks and the
 * permit preview. The server types its answers with these; the dashboard parses with them.
 * snake_case throughout, as on the wire; `duration_ms` is always present (an open breach's
 * runs to the rule's newest evaluated time).
 */
import { z } from 'zod';
import { RuleStatusState } from '../rules/index.ts';

/** `withdrawn` is set apart from open/closed: a withdrawn breach is neither, and is kept. */
export const BreachState = z.enum(['open', 'closed', 'withdrawn']);
export type BreachState = z.infer<typeof BreachState>;

/** An acknowledgement (officer) or an operator's note: who, when (server ms), what was done. */
export const BreachNote = z.object({ by: z.string(), at: z.number(), note: z.string() });
export type BreachNote = z.infer<typeof BreachNote>;

const nullableNumber = z.number().nullable();

/** The stored breach as the API shows it: the acknowledgement as one object (null until given). */
export const BreachView = z.object({
  id: z.number().int(),
  permit: z.string(),
  permit_version: z.number().int(),
  site: z.string(),
  rule: z.string(),
  sensor: z.string(),
  severity: z.string(),
  /** First out-of-bounds time (start of the pending period), event time. */
  start: z.number(),
  /** When the breach was confirmed (start + pending). */
  opened_ts: z.number(),
  end: nullableNumber,
  /** `clear`, `no_data`, `permit_changed`; null while open. */
  closed_by: z.string().nullable(),
  peak: z.number(),
  peak_ts: z.number(),
  duration_ms: z.number(),
  out_of_bounds_ms: z.number(),
  /** ∫ |value − limit| dt while beyond the limit, in unit × seconds. */
  exceedance: z.number(),
  limit: z.number(),
  unit: z.string().nullable(),
  /** How complete the data behind it was, 0..1 (null: stored before availability was kept). */
  availability: nullableNumber,
  state: BreachState,
  withdrawn_at: nullableNumber,
  /** `late_data`, `correction`, `merged`, `permit_changed`, `zone_changed`, `restart`. */
  withdrawn_reason: z.string().nullable(),
  withdrawn_detail: z.record(z.string(), z.unknown()).nullable(),
  /** The breach a merged one went into. */
  merged_into: nullableNumber,
  acknowledged: BreachNote.nullable(),
});
export type BreachView = z.infer<typeof BreachView>;

/** A breach as the breach routes answer it: with its operators' notes, oldest first. */
export const BreachWithNotes = BreachView.extend({ notes: z.array(BreachNote) });
export type BreachWithNotes = z.infer<typeof BreachWithNotes>;

/** `GET /api/v1/breaches`. */
export const BreachesAnswer = z.object({ breaches: z.array(BreachWithNotes) });
export type BreachesAnswer = z.infer<typeof BreachesAnswer>;

/** `GET /api/v1/breaches/unacknowledged`: breaches in force nobody has acknowledged (the tab's badge). */
export const UnacknowledgedAnswer = z.object({ count: z.number().int().nonnegative() });
export type UnacknowledgedAnswer = z.infer<typeof UnacknowledgedAnswer>;

/** What happened to a breach, on the live `breach` event. */
export const BreachChange = z.enum(['opened', 'updated', 'closed', 'withdrawn']);
export type BreachChange = z.infer<typeof BreachChange>;

/** The live `breach` event's data: the breach as stored and what happened to it (no notes). */
export const LiveBreach = BreachView.extend({ change: BreachChange });
export type LiveBreach = z.infer<typeof LiveBreach>;

/** A breach `POST /api/v1/permits/preview` would find: the breach shape, never stored (`id` null). */
export const PreviewBreach = BreachView.extend({ id: z.null() });
export type PreviewBreach = z.infer<typeof PreviewBreach>;

/** `POST /api/v1/permits/preview`: `truncated` when there were more than the answer holds. */
export const PreviewAnswer = z.object({ breaches: z.array(PreviewBreach), truncated: z.boolean() });
export type PreviewAnswer = z.infer<typeof PreviewAnswer>;

/** What a webhook tells: a breach opened, closed, or withdrawn (late data or a correction). */
export const WebhookEvent = z.enum(['breach_opened', 'breach_closed', 'breach_withdrawn']);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/**
 * The body POSTed to each webhook URL: `id` (`<breach id>:<event>:<seq>`, seq naming the breach
 * history row of the change; the same on every retry, for the receiver to drop a repeat), the
 * event and the breach as the API shows it.
 */
export const WebhookBody = z.object({ id: z.string(), event: WebhookEvent, breach: BreachView });
export type WebhookBody = z.infer<typeof WebhookBody>;

/** One row of `GET /api/v1/rules/status`: what each rule of the current permit versions shows now. */
export const RuleStatusView = z.object({
  permit: z.string(),
  permit_version: z.number().int(),
  rule: z.string(),
  sensor: z.string(),
  state: RuleStatusState,
  value: nullableNumber,
  at: nullableNumber,
  /** Newest reading evaluated (event time). */
  last_reading: nullableNumber,
  /** The id of the open breach, if any. */
  breach: nullableNumber,
});
export type RuleStatusView = z.infer<typeof RuleStatusView>;

/** `GET /api/v1/rules/status`. */
export const RulesStatusAnswer = z.object({ rules: z.array(RuleStatusView) });
export type RulesStatusAnswer = z.infer<typeof RulesStatusAnswer>;
