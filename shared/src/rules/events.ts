/**
 * @module rules/events
 * What rule evaluation reports: the breach record and the events of the incremental
 * evaluator. Times are epoch ms UTC, event time (when readings were taken), never arrival.
 */
import { z } from 'zod';

/** ok → pending → breach → clearing → ok; `no_data` when the sensor is silent. */
export const RuleState = z.enum(['ok', 'pending', 'breach', 'clearing', 'no_data']);
export type RuleState = z.infer<typeof RuleState>;

/**
 * One breach of one rule.
 * - `start`: the first out-of-bounds time, i.e. the start of the pending period (not when the
 *   breach was confirmed: that is `openedTs` = start + pending).
 * - `end`: when the value came back inside the limit by the hysteresis band and stayed there
 *   for `clear` (the start of that clearing period); or, if the sensor fell silent first, the
 *   time data stopped (`closedBy: 'no_data'`). `closedTs` is when the close was decided.
 * - `peak`: the averaged value farthest beyond a limit (`limit`), at `peakTs`.
 * - `outOfBoundsMs`: time actually beyond the limit inside [start, end).
 * - `exceedance`: ∫ |value − limit| dt over that time, in the sensor's unit × seconds.
 * - `availability`: how complete the data behind it was, 0..1: the lowest coverage of its
 *   out-of-limit averaged values (a daily value: the share of the day covered by readings; instant: 1).
 */
export const Breach = z.object({
  id: z.string().describe('`<rule>:<start>`: stable across re-evaluation'),
  rule: z.string(),
  sensor: z.string(),
  severity: z.string(),
  start: z.number(),
  openedTs: z.number(),
  end: z.number().nullable(),
  closedTs: z.number().nullable(),
  closedBy: z.enum(['clear', 'no_data']).nullable(),
  durationMs: z.number().describe('end − start; for an open breach, up to the last evaluated time'),
  peak: z.number(),
  peakTs: z.number(),
  limit: z.number(),
  outOfBoundsMs: z.number(),
  exceedance: z.number(),
  availability: z.number().min(0).max(1),
});
export type Breach = z.infer<typeof Breach>;

export const RuleEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stateChanged'),
    rule: z.string(),
    ts: z.number(),
    from: RuleState,
    to: RuleState,
    value: z.number().nullable(),
  }),
  z.object({ type: z.literal('breachOpened'), rule: z.string(), ts: z.number(), breach: Breach }),
  z.object({ type: z.literal('breachUpdated'), rule: z.string(), ts: z.number(), breach: Breach }),
  z.object({ type: z.literal('breachClosed'), rule: z.string(), ts: z.number(), breach: Breach }),
  z.object({
    type: z.literal('readingLate'),
    rule: z.string(),
    ts: z.number().describe('the late reading; re-evaluate from a checkpoint before it'),
    watermark: z.number(),
  }),
]);
export type RuleEvent = z.infer<typeof RuleEvent>;
