/**
 * @module routes/devices — `GET /api/v1/devices`: per device its last seen, the status the edge
 * last reported (nulls until reported), revocation, and its sensors with which are silent
 * (meta/sensor-health.ts: no reading for longer than max(5 min, 3 × typical interval)).
 */
import type { DeviceSensorHealth, DevicesAnswer } from '@vigia/shared';
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { isSilent, silentAfterMs } from '../meta/sensor-health.ts';
import { siteScope } from './visibility.ts';

export function devicesRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', async (c) => {
    const sites = siteScope(c.var.user);
    const sensorRows = deps.meta.listSensors(sites);
    // The store is the truth for the newest reading (meta's last_ts only exists since migration 4).
    const latest = new Map((await deps.store.latest(sensorRows.map((s) => s.id))).map((r) => [r.sensor, r.ts]));
    const now = deps.clock.now();
    const byDevice = new Map<string, DeviceSensorHealth[]>();
    for (const s of sensorRows) {
      const last = Math.max(latest.get(s.id) ?? Number.NEGATIVE_INFINITY, s.last_ts ?? Number.NEGATIVE_INFINITY);
      const lastTs = Number.isFinite(last) ? last : null;
      const health: DeviceSensorHealth = {
        id: s.id,
        name: s.name,
        last_ts: lastTs,
        interval_ms: s.interval_ms === null ? null : Math.round(s.interval_ms),
        silent_after_ms: silentAfterMs(s.interval_ms),
        silent: isSilent(lastTs, s.interval_ms, now),
      };
      byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), health]);
    }
    const devices = deps.meta.listDevices(sites).map((d) => {
      const list = byDevice.get(d.id) ?? [];
      return {
        id: d.id,
        site: d.site,
        last_seen: d.last_seen,
        backlog: d.backlog,
        dropped: d.dropped,
        clock_offset_ms: d.clock_offset_ms,
        dropped_from: d.dropped_from,
        dropped_to: d.dropped_to,
        backlog_rate: d.backlog_rate,
        eta_s: d.eta_s,
        status_at: d.status_at,
        revoked_at: d.revoked_at,
        sensors: { total: list.length, silent: list.filter((s) => s.silent).length, list },
      };
    });
    const answer: DevicesAnswer = { devices, now };
    return c.json(answer);
  });
}
