/**
 * @module routes/readings
 * `GET /api/v1/readings/revisions?sensor&from&to` (any role that may see the sensor's site): the
 * stored values corrections replaced, read-only (store.ts `Revision`).
 * `GET /api/v1/readings?sensor&from&to&format=csv|json[&locale=es|en]` (same roles): the raw
 * readings streamed with bounded memory (readings-export.ts), at most 366 days, at most
 * MAX_RUNNING_EXPORTS at once per server (429 `too_many_exports` beyond). Nothing here writes:
 * readings change only through ingest, and every change leaves a revision and an audit entry.
 */
import { SensorId } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { RateLimitedError } from '../auth/rate-limit.ts';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { exportFilename, exportStream } from './readings-export.ts';
import { visibleSensor } from './visibility.ts';

/** A year and a day, as for reports. */
export const MAX_EXPORT_MS = 366 * 86_400_000;
/** Exports streamed at once by one server: each keeps a store reader busy. */
export const MAX_RUNNING_EXPORTS = 4;
const RETRY_AFTER_S = 10;

const ExportQuery = z
  .object({
    sensor: SensorId,
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
    format: z.enum(['csv', 'json']).default('csv'),
    locale: z.enum(['es', 'en']).default('es'),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_EXPORT_MS, { message: 'the range may be at most 366 days', path: ['to'] });

const RevisionsQuery = z
  .object({ sensor: SensorId, from: z.coerce.number().int(), to: z.coerce.number().int() })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

export function readingsRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  let running = 0;
  return new Hono<{ Variables: SessionVars }>()
    .get('/revisions', requireRole(...ROLES), async (c) => {
      const q = parseInput(RevisionsQuery, c.req.query(), 'invalid_query', 400);
      visibleSensor(deps.meta, c.var.user, q.sensor);
      const revisions = await deps.store.revisions(q.sensor, q.from, q.to);
      return c.json({ sensor: q.sensor, from: q.from, to: q.to, revisions });
    })
    .get('/', requireRole(...ROLES), (c) => {
      const q = parseInput(ExportQuery, c.req.query(), 'invalid_query', 400);
      const sensor = visibleSensor(deps.meta, c.var.user, q.sensor);
      if (running >= MAX_RUNNING_EXPORTS) {
        throw new RateLimitedError(
          `${MAX_RUNNING_EXPORTS} exports are running; try again in ${RETRY_AFTER_S} s ` +
            `(hay ${MAX_RUNNING_EXPORTS} exportaciones en curso; reintente en ${RETRY_AFTER_S} s)`,
          RETRY_AFTER_S,
          'too_many_exports',
        );
      }
      const req = { ...q, name: sensor.name ?? '', timeZone: deps.meta.timeZoneOf(sensor.site) };
      running++;
      const body = exportStream(deps.store, req, () => running--);
      c.header('Cache-Control', 'no-store');
      c.header(
        'Content-Type',
        q.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
      );
      c.header('Content-Disposition', `attachment; filename="${exportFilename(req)}"`);
      return c.body(body);
    });
}
