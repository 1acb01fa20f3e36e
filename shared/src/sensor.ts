/** @module sensor — what a device tells the server about each sensor it reads. */
import { z } from 'zod';
import { SensorId } from './ids.ts';
import { isUnitOf, QUANTITY_NAMES } from './units.ts';

export const SensorMeta = z
  .object({
    id: SensorId,
    name: z.string().max(200).optional(),
    quantity: z.enum(QUANTITY_NAMES as [string, ...string[]]),
    unit: z.string().min(1).max(32),
  })
  .strict()
  .refine((s) => isUnitOf(s.quantity, s.unit), {
    message: 'this unit does not belong to the quantity (see shared/src/units.ts)',
    path: ['unit'],
  });
export type SensorMeta = z.infer<typeof SensorMeta>;
