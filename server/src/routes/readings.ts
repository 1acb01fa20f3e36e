/**
 * @module routes/readings
 * `GET /api/v1/readings/revisions?sensor&from&to` (any role that may see the sensor's site): the
 * stored values corrections replaced, read-only (store.ts `Revision`). Nothing here writes:
 * readings change only through ingest, and every change leaves a revision and an audit entry.
 */
import { InputError, SensorId } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { canSeeSite } from './visibility.ts';

const RevisionsQuery = z
  .object({ sensor: SensorId, from: z.coerce.number().int(), to: z.coerce.number().int() })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

export function readingsRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().get('/revisions', requireRole(...ROLES), async (c) => {
    const q = parseInput(RevisionsQuery, c.req.query(), 'invalid_query', 400);
    const sensor = deps.meta.sensorById(q.sensor);
    if (!sensor || !canSeeSite(c.var.user, sensor.site)) {
      throw new InputError('sensor_unknown', `no sensor "${q.sensor}" (see GET /api/v1/sensors)`, 'sensor', 404);
    }
    const revisions = await deps.store.revisions(q.sensor, q.from, q.to);
    return c.json({ sensor: q.sensor, from: q.from, to: q.to, revisions });
  });
}
