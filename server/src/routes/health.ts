/** @module routes/health — `GET /health` (liveness) and `GET /metrics` (Prometheus text); both open. */
import { Hono } from 'hono';
import type { Telemetry } from '../telemetry.ts';

export function healthRoutes(telemetry: Telemetry): Hono {
  return new Hono()
    .get('/health', (c) => c.json({ ok: true }))
    .get('/metrics', async (c) => {
      c.header('Content-Type', telemetry.registry.contentType);
      return c.body(await telemetry.registry.metrics());
    });
}
