/**
 * @module routes/health — `GET /health` (liveness, open) and `GET /metrics` (Prometheus text):
 * metrics answer a direct loopback client (a scraper on the same machine, not through the
 * proxy) or `Authorization: Bearer <VIGIA_METRICS_TOKEN>`, and no one else.
 */
import { timingSafeEqual } from 'node:crypto';
import { InputError } from '@vigia/shared';
import { Hono } from 'hono';
import { clientInfo, isLoopback } from '../http/client-info.ts';
import type { Store } from '../storage/store.ts';
import type { Telemetry } from '../telemetry.ts';

/**
 * `/health` answers 200 while the process serves requests (liveness) and says whether the
 * store can take readings: `ok` is false while InfluxDB is unreachable (ingest answers 503
 * and the edges keep their buffers until it returns).
 */
export function healthRoutes(
  telemetry: Telemetry,
  store: Store,
  access: { trustProxy?: readonly string[]; metricsToken?: string } = {},
): Hono {
  const expected = access.metricsToken ? Buffer.from(`Bearer ${access.metricsToken}`) : undefined;
  const tokenOk = (header: string | undefined) => {
    if (!expected || header === undefined) return false;
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return new Hono()
    .get('/health', (c) => {
      const status = store.status();
      return c.json({ ok: status.state === 'ok' || status.state === 'starting', store: status });
    })
    .get('/metrics', async (c) => {
      const client = clientInfo(c, access.trustProxy);
      if (!tokenOk(c.req.header('authorization')) && (client.proxied || !isLoopback(client.address))) {
        throw new InputError(
          'metrics_forbidden',
          'metrics answer only on this machine (loopback) or with "Authorization: Bearer <VIGIA_METRICS_TOKEN>"',
          undefined,
          403,
        );
      }
      c.header('Content-Type', telemetry.registry.contentType);
      return c.body(await telemetry.registry.metrics());
    });
}
