/** @module reading — one measurement as it travels on the wire (docs/api.md). */
import { z } from 'zod';
import { SensorId } from './ids.ts';

/** 2000-01-01T00:00:00Z: no trustworthy reading is older (a Pi without clock boots in 1970). */
export const MIN_TS = 946_684_800_000;

/** good; uncertain (e.g. clock corrected, out of sensor range); bad (device reported a fault). */
export const Quality = z.enum(['good', 'uncertain', 'bad']);
export type Quality = z.infer<typeof Quality>;

export const Reading = z
  .object({
    sensor: SensorId,
    ts: z.number().int('ts must be whole epoch milliseconds').min(MIN_TS, 'ts is before the year 2000'),
    // z.number() already rejects NaN and ±Infinity.
    value: z.number(),
    q: Quality.default('good'),
  })
  .strict();
export type Reading = z.infer<typeof Reading>;
