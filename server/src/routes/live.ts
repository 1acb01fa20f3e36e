/**
 * @module routes/live
 * `GET /api/v1/live`: Server-Sent Events. On connect, one `reading` per visible sensor
 * (latest from the store), then live events, each with the hub's process-wide id. A
 * reconnect with `Last-Event-ID` gets the events it missed when the hub still holds them;
 * otherwise an `event: reset` and a fresh snapshot. Never a gap without a reset.
 * A named `ping` every `heartbeatMs` lets a browser notice a dead connection.
 * A client that falls `MAX_QUEUE` events behind is disconnected (it reconnects and resumes)
 * so a slow phone cannot grow the server's memory; a gone client is unsubscribed.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import type { StampedEvent } from '../live/hub.ts';
import { canSeeSite } from './visibility.ts';

const MAX_QUEUE = 1000;

export function liveRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  // Each hub event reaches every connection: serialize its data once, not once per client.
  const texts = new WeakMap<StampedEvent, string>();
  const dataText = (e: StampedEvent) => {
    let text = texts.get(e);
    if (text === undefined) {
      text = JSON.stringify(e.data);
      texts.set(e, text);
    }
    return text;
  };
  return new Hono<{ Variables: SessionVars }>().use(requireRole(...ROLES)).get('/', (c) => {
    const user = c.var.user;
    const lastEventId = c.req.header('last-event-id');
    return streamSSE(c, async (stream) => {
      const queue: StampedEvent[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const end = () => {
        ended = true;
        wake?.();
      };
      const sub = deps.live.subscribe(
        {
          onEvent(e) {
            if (ended || !canSeeSite(user, e.site)) return;
            if (queue.length >= MAX_QUEUE) return end();
            queue.push(e);
            wake?.();
          },
          onClose: end,
        },
        lastEventId,
      );
      stream.onAbort(end);
      // No id on a ping, so it does not move the client's Last-Event-ID.
      const ping = setInterval(
        () => void stream.writeSSE({ event: 'ping', data: JSON.stringify({ ts: deps.clock.now() }) }),
        heartbeatMs,
      );
      try {
        if (sub.missed) {
          for (const e of sub.missed) {
            if (ended) break;
            if (canSeeSite(user, e.site)) await stream.writeSSE({ event: e.event, id: e.id, data: dataText(e) });
          }
        } else {
          if (lastEventId !== undefined) {
            const reason = 'the events since Last-Event-ID are no longer kept: a fresh snapshot follows';
            await stream.writeSSE({ event: 'reset', id: sub.cursor, data: JSON.stringify({ reason }) });
          }
          // Subscribed before the snapshot is read, so nothing published meanwhile is missed;
          // the snapshot carries the id of the last event before the subscription.
          const sensors = deps.meta.listSensors(user.sites);
          const devices = new Map(sensors.map((s) => [s.id, s.device]));
          for (const r of await deps.store.latest(sensors.map((s) => s.id))) {
            if (ended) break;
            const data = { ...r, device: devices.get(r.sensor) ?? '' };
            await stream.writeSSE({ event: 'reading', id: sub.cursor, data: JSON.stringify(data) });
          }
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
          await stream.writeSSE({ event: e.event, id: e.id, data: dataText(e) });
        }
      } finally {
        clearInterval(ping);
        sub.unsubscribe();
      }
    });
  });
}
