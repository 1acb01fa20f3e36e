/**
 * @module routes/live
 * `GET /api/v1/live`: Server-Sent Events. On connect, one `reading` per visible sensor
 * (latest from the store), then live events, each with the hub's process-wide id. A
 * reconnect with `Last-Event-ID` gets the events it missed when the hub still holds them;
 * otherwise an `event: reset` and a fresh snapshot. Never a gap without a reset.
 * A named `ping` every `heartbeatMs` lets a browser notice a dead connection.
 * A client that falls `MAX_QUEUE` events behind is disconnected (it reconnects and resumes)
 * so a slow phone cannot grow the server's memory; a gone client is unsubscribed.
 * Streams are capped per user and in total (429 `too_many_streams` beyond, before any byte is
 * streamed), and a stream never outlives its session: logout and user changes close it through
 * the hub, and every heartbeat re-checks the session (expiry, deletion).
 */
import { InputError } from '@vigia/shared';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import type { StampedEvent } from '../live/hub.ts';
import { canSeeSite, siteScope } from './visibility.ts';

const MAX_QUEUE = 1000;

/**
 * Open streams allowed: the tabs and phones of one account (small sites often share one
 * control-room account), and a bound for the whole server. VIGIA_LIVE_MAX_PER_USER and
 * VIGIA_LIVE_MAX_STREAMS change them (env.ts).
 */
export const DEFAULT_LIVE_LIMITS = { perUser: 20, total: 200 };

export function liveRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const limits = deps.liveLimits ?? DEFAULT_LIVE_LIMITS;
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
    const session = c.var.sessionIdHash;
    const lastEventId = c.req.header('last-event-id');
    if (deps.live.countOf(user.user) >= limits.perUser) {
      throw new InputError(
        'too_many_streams',
        `this user already has ${limits.perUser} live views open: close a tab or sign out elsewhere (demasiadas vistas en vivo abiertas para este usuario: cierre una pestaña)`,
        undefined,
        429,
      );
    }
    if (deps.live.size >= limits.total) {
      throw new InputError(
        'too_many_streams',
        `the server already serves ${limits.total} live views: try again later (el servidor ya atiende ${limits.total} vistas en vivo: reintente más tarde)`,
        undefined,
        429,
      );
    }
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
        { user: user.user, session },
      );
      stream.onAbort(end);
      // No id on a ping, so it does not move the client's Last-Event-ID.
      const ping = setInterval(() => {
        // A session that expired or was deleted since the last beat ends the stream.
        if (!deps.meta.sessionUser(session, deps.clock.now())) return end();
        void stream.writeSSE({ event: 'ping', data: JSON.stringify({ ts: deps.clock.now() }) });
      }, heartbeatMs);
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
          const sensors = deps.meta.listSensors(siteScope(user));
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
