/**
 * @module routes/live
 * `GET /api/v1/live`: Server-Sent Events. On connect, one `reading` per visible sensor
 * (latest from the store), then live events. Ids are increasing integers per connection;
 * a reconnecting client gets a fresh snapshot (Last-Event-ID is not replayed).
 * A client that falls `MAX_QUEUE` events behind is disconnected (it reconnects and gets a
 * snapshot) so a slow phone cannot grow the server's memory; a gone client is unsubscribed.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import type { LiveEvent } from '../live/hub.ts';
import { canSeeSite } from './visibility.ts';

const MAX_QUEUE = 1000;

export function liveRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', (c) => {
    const user = c.var.user;
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const end = () => {
        ended = true;
        wake?.();
      };
      const unsubscribe = deps.live.subscribe({
        onEvent(e) {
          if (ended || !canSeeSite(user, e.site)) return;
          if (queue.length >= MAX_QUEUE) return end();
          queue.push(e);
          wake?.();
        },
        onClose: end,
      });
      stream.onAbort(end);
      const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), heartbeatMs);
      let id = 0;
      try {
        // Subscribed before the snapshot is read, so nothing published meanwhile is missed.
        const sensors = deps.meta.listSensors(user.sites);
        const devices = new Map(sensors.map((s) => [s.id, s.device]));
        for (const r of await deps.store.latest(sensors.map((s) => s.id))) {
          if (ended) break;
          const data = { ...r, device: devices.get(r.sensor) ?? '' };
          await stream.writeSSE({ event: 'reading', id: String(++id), data: JSON.stringify(data) });
        }
        while (!ended) {
          const e = queue.shift();
          if (!e) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
            continue;
          }
          await stream.writeSSE({ event: e.event, id: String(++id), data: JSON.stringify(e.data) });
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });
}
