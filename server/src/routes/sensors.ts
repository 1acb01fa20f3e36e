/**
 * @module routes/sensors — `GET /api/v1/sensors`: the sensors a user may see, with their latest
 * reading and `interval_ms`, the typical interval between readings learnt at ingest
 * (meta/sensor-health.ts; null until known): the dashboard greys a tile after it, not a fixed time.
 */
import type { SensorsAnswer } from '@vigia/shared';
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { siteScope } from './visibility.ts';

export function sensorsRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', async (c) => {
    const rows = deps.meta.listSensors(siteScope(c.var.user));
    const latest = new Map((await deps.store.latest(rows.map((s) => s.id))).map((r) => [r.sensor, r]));
    const sensors = rows.map((s) => {
      const last = latest.get(s.id);
      return {
        id: s.id,
        device: s.device,
        site: s.site,
        name: s.name,
        quantity: s.quantity,
        unit: s.unit,
        interval_ms: s.interval_ms === null ? null : Math.round(s.interval_ms),
        last: last ? { ts: last.ts, value: last.value, q: last.q } : null,
      };
    });
    const answer: SensorsAnswer = { sensors };
    return c.json(answer);
  });
}
