/** @module routes/series — `GET /api/v1/series`: at most `points` min/mean/max buckets; gaps left out. */
import { SeriesQuery, type SeriesResponse, seriesWindow } from '@vigia/shared';
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { visibleSensor } from './visibility.ts';

export function seriesRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', async (c) => {
    const q = parseInput(SeriesQuery, c.req.query(), 'invalid_query', 400);
    visibleSensor(deps.meta, c.var.user, q.sensor);
    // Buckets of a minute or more start on a UTC minute (hour) so the stores use their rollups.
    const { from, bucketMs } = seriesWindow(q.from, q.to, q.points);
    const buckets = await deps.store.query(q.sensor, from, q.to, bucketMs);
    const body: SeriesResponse = { sensor: q.sensor, from, to: q.to, bucket_ms: bucketMs, buckets };
    return c.json(body);
  });
}
