/**
 * @module tile-layout — how a site's tiles are grouped and ordered on tablets and desktops
 * (`PUT /api/v1/sites/:id/tiles`, admin): named areas in order ("Agua de planta", "Vertimiento",
 * "Aire del túnel"), each with its sensors in order. A sensor sits in one area at most; sensors
 * not listed fall into an area derived from their quantity, after the listed ones.
 */
import { z } from 'zod';
import { SensorId } from './ids.ts';

export const MAX_TILE_AREAS = 20;

export const TileArea = z
  .object({
    name: z.string().trim().min(1, 'name the area as people at the site call it').max(60),
    sensors: z.array(SensorId).max(500),
  })
  .strict();
export type TileArea = z.infer<typeof TileArea>;

export const TileLayout = z
  .object({ areas: z.array(TileArea).max(MAX_TILE_AREAS) })
  .strict()
  .superRefine((layout, ctx) => {
    const seen = new Set<string>();
    for (const [i, area] of layout.areas.entries()) {
      for (const [j, sensor] of area.sensors.entries()) {
        if (seen.has(sensor)) {
          ctx.addIssue({
            code: 'custom',
            message: `sensor "${sensor}" is in two areas: put it in one`,
            path: ['areas', i, 'sensors', j],
          });
        }
        seen.add(sensor);
      }
    }
  });
export type TileLayout = z.infer<typeof TileLayout>;
