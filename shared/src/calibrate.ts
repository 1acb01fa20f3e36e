/**
 * @module calibrate
 * Raw to engineering value. Pure, so the edge, the technician's `calibrate` command and the
 * server's display agree. Two-point calibration maps two measured raw values to two known
 * reference values (a straight line through both).
 */
import { z } from 'zod';

export const Calibration = z.union([
  z
    .object({ scale: z.number().default(1), offset: z.number().default(0) })
    .strict()
    .describe('value = raw * scale + offset'),
  z
    .object({
      points: z
        .tuple([
          z.object({ raw: z.number(), value: z.number() }).strict(),
          z.object({ raw: z.number(), value: z.number() }).strict(),
        ])
        .refine(([a, b]) => a.raw !== b.raw, 'the two points need different raw values'),
    })
    .strict()
    .describe('two-point: a line through two (raw, value) pairs'),
]);
export type Calibration = z.infer<typeof Calibration>;

/** Apply a calibration; `undefined` means identity. */
export function calibrate(raw: number, cal: Calibration | undefined): number {
  if (!cal) return raw;
  if ('points' in cal) {
    const [a, b] = cal.points;
    return a.value + ((raw - a.raw) * (b.value - a.value)) / (b.raw - a.raw);
  }
  return raw * cal.scale + cal.offset;
}
