/**
 * @module local-api
 * The agent's local HTTP API (loopback by default), read by `vigia-config` and technicians:
 * `GET /status`, `GET /sensors`, `GET /metrics`. Built from its dependencies like the server's
 * app (STYLE.md C10): it reads state through functions and opens nothing itself. Shapes are the
 * shared `EdgeStatus` / `EdgeSensors` schemas.
 */
import type { EdgeSensors, EdgeStatus } from '@vigia/shared';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export type LocalApiDeps = {
  status: () => EdgeStatus;
  sensors: () => EdgeSensors;
  registry: Registry;
};

export function createLocalApi(deps: LocalApiDeps): Hono {
  const app = new Hono();
  app.get('/status', (c) => c.json(deps.status()));
  app.get('/sensors', (c) => c.json(deps.sensors()));
  app.get('/metrics', async (c) =>
    c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  return app;
}
