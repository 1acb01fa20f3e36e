/** @module routes/series — `GET /api/v1/series`: at most `points` min/mean/max buckets; gaps left out. */
import { MAX_MARKS, type SeriesMarks, SeriesQuery, type SeriesResponse, seriesWindow } from '@vigia/shared';
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
    const [buckets, marks] = await Promise.all([
      deps.store.query(q.sensor, from, q.to, bucketMs),
      marksOf(deps, q.sensor, from, q.to, bucketMs),
    ]);
    const body: SeriesResponse = { sensor: q.sensor, from, to: q.to, bucket_ms: bucketMs, buckets, marks };
    return c.json(body);
  });
}

const MINUTE_MS = 60_000;

/**
 * The readings to mark on the chart. Corrections are rare and kept apart (revisions), so they
 * are listed at any range. Uncertain readings are found only among raw readings: listed while
 * buckets are narrower than a minute (a range of hours, a few thousand rows), null beyond.
 */
async function marksOf(
  deps: AppDeps,
  sensor: string,
  from: number,
  to: number,
  bucketMs: number,
): Promise<SeriesMarks> {
  const revised = await deps.store.revisions(sensor, from, to);
  const corrected = [...new Set(revised.map((r) => r.ts))];
  let uncertain: number[] | null = null;
  if (bucketMs < MINUTE_MS) {
    uncertain = (await deps.store.readings(sensor, from, to)).filter((r) => r.q === 'uncertain').map((r) => r.ts);
  }
  const truncated = corrected.length > MAX_MARKS || (uncertain?.length ?? 0) > MAX_MARKS;
  return { corrected: corrected.slice(0, MAX_MARKS), uncertain: uncertain?.slice(0, MAX_MARKS) ?? null, truncated };
}
