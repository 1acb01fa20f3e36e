/** @module routes/devices — `GET /api/v1/devices`: last seen and reported status (nulls until reported), and revocation. */
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';

export function devicesRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', (c) => {
    const devices = deps.meta.listDevices(c.var.user.sites).map((d) => ({
      id: d.id,
      site: d.site,
      last_seen: d.last_seen,
      backlog: d.backlog,
      dropped: d.dropped,
      clock_offset_ms: d.clock_offset_ms,
      revoked_at: d.revoked_at,
    }));
    return c.json({ devices });
  });
}
