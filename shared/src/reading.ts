/**
 * @module reading — one measurement as it travels on the wire (docs/api.md).
 * A stored reading is evidence: the server keeps the first value of a (sensor, ts) and refuses a
 * different one (409 `reading_conflict`) unless the reading says `correction: true`; then the old
 * value is kept as a revision (docs/decisions/2026-12-04-reading-corrections.md).
 */
import { z } from 'zod';
import { SensorId } from './ids.ts';

/** 2000-01-01T00:00:00Z: no trustworthy reading is older (a Pi without clock boots in 1970). */
export const MIN_TS = 946_684_800_000;

/** good; uncertain (e.g. clock corrected, out of sensor range); bad (device reported a fault). */
export const Quality = z.enum(['good', 'uncertain', 'bad']);
export type Quality = z.infer<typeof Quality>;

/** Free text, one line: it is stored as a field and shown in the audit log. */
export const CorrectionReason = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[^\p{Cc}]*$/u, 'one line of text, without control characters');

export const Reading = z
  .object({
    sensor: SensorId,
    ts: z.number().int('ts must be whole epoch milliseconds').min(MIN_TS, 'ts is before the year 2000'),
    // z.number() already rejects NaN and ±Infinity.
    value: z.number(),
    q: Quality.default('good'),
    /** This reading replaces a different stored value of the same (sensor, ts) on purpose. */
    correction: z.literal(true).optional(),
    /** Why it was corrected (kept with the revision and in the audit log); only with `correction`
     * (the ingest route refuses it alone). */
    reason: CorrectionReason.optional(),
  })
  .strict();
export type Reading = z.infer<typeof Reading>;
