/**
 * @module wire/sensors — `GET /api/v1/sensors` (docs/api.md): the sensors a user may see with
 * their latest reading. The server types its answer with these; the dashboard parses with them.
 */
import { z } from 'zod';
import { Quality } from '../reading.ts';

export const SensorView = z.object({
  id: z.string(),
  device: z.string(),
  site: z.string(),
  name: z.string().nullable(),
  /** A quantity of the catalogue (units.ts) as the edge declared it; null until declared. */
  quantity: z.string().nullable(),
  unit: z.string().nullable(),
  /** Typical interval between readings (learnt by the server); null while unknown. */
  interval_ms: z.number().nullable(),
  last: z.object({ ts: z.number(), value: z.number(), q: Quality }).nullable(),
});
export type SensorView = z.infer<typeof SensorView>;

export const SensorsAnswer = z.object({ sensors: z.array(SensorView) });
export type SensorsAnswer = z.infer<typeof SensorsAnswer>;
