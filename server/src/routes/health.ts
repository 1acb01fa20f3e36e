/** @module routes/health — `GET /health` (liveness) and `GET /metrics` (Prometheus text); both open. */
import { Hono } from 'hono';
import type { Store } from '../storage/store.ts';
import type { Telemetry } from '../telemetry.ts';

/**
 * `/health` answers 200 while the process serves requests (liveness) and says whether the
 * store can take readings: `ok` is false while InfluxDB is unreachable (ingest answers 503
 * and the edges keep their buffers until it returns).
 */
export function healthRoutes(telemetry: Telemetry, store: Store): Hono {
  return new Hono()
    .get('/health', (c) => {
      const status = store.status?.() ?? { state: 'ok', detail: 'embedded store' };
      return c.json({ ok: status.state === 'ok' || status.state === 'starting', store: status });
    })
    .get('/metrics', async (c) => {
      c.header('Content-Type', telemetry.registry.contentType);
      return c.body(await telemetry.registry.metrics());
    });
}
