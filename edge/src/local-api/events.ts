/**
 * @module local-api/events
 * `GET /events`: Server-Sent Events for the page on the Pi. Every `periodMs` (1 s) each client gets
 * one `EdgeLiveEvent` (`/status` and `/sensors` together): values as the agent's own pipeline
 * read and calibrated them, local safety-rule states, the link to the server.
 * Invariants: no timer runs while no client is connected (the agent's CPU with no page open is
 * unchanged); at most `maxClients` streams (each costs a socket and a little memory on a Pi
 * whose agent stays under 80 MB), more get 503; a client that goes away is dropped at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EdgeLiveEvent } from '@vigia/shared';

export type EventsDeps = { snapshot: () => EdgeLiveEvent; periodMs?: number; maxClients?: number };

export function createEvents(deps: EventsDeps) {
  const clients = new Set<ServerResponse>();
  const max = deps.maxClients ?? 8;
  let timer: NodeJS.Timeout | undefined;

  const frame = () => `data: ${JSON.stringify(deps.snapshot())}\n\n`;
  function tick(): void {
    const text = frame();
    for (const res of clients) res.write(text);
  }

  return {
    /** Takes over the response; returns false (nothing written) when full. */
    open(req: IncomingMessage, res: ServerResponse): boolean {
      if (clients.size >= max) return false;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`retry: 2000\n${frame()}`);
      clients.add(res);
      if (!timer) timer = setInterval(tick, deps.periodMs ?? 1000);
      const drop = () => {
        clients.delete(res);
        if (clients.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
      req.once('close', drop);
      res.once('close', drop);
      return true;
    },
    count: () => clients.size,
    /** Ends every stream (agent stop). */
    close(): void {
      for (const res of clients) res.end();
      clients.clear();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
export type Events = ReturnType<typeof createEvents>;
