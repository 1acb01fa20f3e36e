/**
 * @module local-api
 * The agent's local HTTP API (loopback by default), read by `vigia-config` and technicians:
 * `GET /status`, `GET /sensors`, `GET /metrics`, and `PUT /config`. Built from its dependencies
 * like the server's app (STYLE.md C10): it reads state through functions and opens nothing
 * itself. Shapes are the shared `EdgeStatus` / `EdgeSensors` schemas.
 *
 * `PUT /config` takes a whole edge config: JSON when the Content-Type says JSON, else YAML text.
 * It runs the startup validation (`loadConfigText`: same schema, same checks, same secrets);
 * a bad config answers 422 `{ error: { code: 'config_invalid', message, path } }` and changes
 * nothing. A valid one is applied (the agent restarts its intake, drivers, safety rules and
 * forwarder; the buffer is untouched) and only then written (temp file, fsync, rename, previous
 * kept as `.bak`). If the new config cannot start, the previous one is restored and the answer
 * is 409 `config_rolled_back`. By default only loopback peers may PUT (`api.config_from`).
 */
import type { EdgeSensors, EdgeStatus } from '@vigia/shared';
import { ConfigError } from '@vigia/shared';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { type LoadedConfig, loadConfigText } from '../config.ts';
import { writeConfigAtomically } from '../config-file.ts';

export type LocalApiDeps = {
  status: () => EdgeStatus;
  sensors: () => EdgeSensors;
  registry: Registry;
  config?: {
    file: string;
    from: 'loopback' | 'any';
    apply: (next: LoadedConfig, persist: () => void) => Promise<void>;
  };
};

const MAX_CONFIG_BYTES = 1024 * 1024;

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/** `localhost`, `127.x.x.x` or `[::1]`, with or without a port; absent counts as loopback (HTTP/1.0). */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

const errorBody = (code: string, message: string, path?: string) => ({
  error: { code, message, ...(path ? { path } : {}) },
});

export function createLocalApi(deps: LocalApiDeps): Hono {
  const app = new Hono();
  app.get('/status', (c) => c.json(deps.status()));
  app.get('/sensors', (c) => c.json(deps.sensors()));
  app.get('/metrics', async (c) =>
    c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  app.put('/config', async (c) => {
    const cfg = deps.config;
    if (!cfg) return c.json(errorBody('not_found', 'this agent does not accept a config over the API'), 404);
    const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
      ?.remoteAddress;
    if (cfg.from === 'loopback' && peer !== undefined && !isLoopback(peer))
      return c.json(
        errorBody('forbidden', 'PUT /config is accepted from this machine only (api.config_from: loopback)'),
        403,
      );
    // A web page the technician has open could reach this loopback API through DNS rebinding
    // (its own name pointing at 127.0.0.1): browsers send Origin and that name as Host, while
    // vigia-config sends no Origin and a loopback Host.
    if (c.req.header('origin') !== undefined || (cfg.from === 'loopback' && !isLoopbackHost(c.req.header('host'))))
      return c.json(
        errorBody('forbidden', 'PUT /config is not accepted from a web page; use vigia-config apply on the device'),
        403,
      );
    if (Number(c.req.header('content-length') ?? 0) > MAX_CONFIG_BYTES)
      return c.json(errorBody('too_large', 'the config is over 1 MB'), 413);
    const body = await c.req.text();
    if (Buffer.byteLength(body) > MAX_CONFIG_BYTES)
      return c.json(errorBody('too_large', 'the config is over 1 MB'), 413);
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    let text = body;
    if (type === 'application/json' || type.endsWith('+json')) {
      try {
        text = stringify(JSON.parse(body));
      } catch (err) {
        return c.json(errorBody('config_invalid', `the body is not valid JSON: ${(err as Error).message}`), 400);
      }
    }
    let next: LoadedConfig;
    try {
      next = loadConfigText(text, cfg.file);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return c.json(errorBody('config_invalid', err.message, err.path), 422);
    }
    try {
      await cfg.apply(next, () => writeConfigAtomically(cfg.file, text));
    } catch (err) {
      if (err instanceof ConfigError) return c.json(errorBody('config_invalid', err.message, err.path), 422);
      return c.json(
        errorBody(
          'config_rolled_back',
          `the new config could not start (${(err as Error).message}); the previous config is running again`,
        ),
        409,
      );
    }
    return c.json({ applied: true, file: cfg.file, sensors: next.config.sensors.length });
  });
  return app;
}
