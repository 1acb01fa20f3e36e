/**
 * @module local-api
 * The agent's local HTTP API (loopback by default), read by `vigia-config` and technicians:
 * `GET /status`, `GET /sensors`, `GET /metrics`, and `PUT /config`. Built from its dependencies
 * like the server's app (docs/design.md C10): it reads state through functions and opens nothing
 * itself. Shapes are the shared `EdgeStatus` / `EdgeSensors` schemas.
 *
 * `PUT /config` takes a whole edge config: JSON when the Content-Type says JSON, else YAML text.
 * It runs the startup validation (`loadConfigText`: same schema, same checks, same secrets);
 * a bad config answers 422 `{ error: { code: 'config_invalid', message, path } }` and changes
 * nothing. A valid one is applied (the agent restarts its intake, drivers, safety rules and
 * forwarder; the buffer is untouched) and only then written (temp file, fsync, rename, previous
 * kept as `.bak`). If the new config cannot start, the previous one is restored and the answer
 * is 409 `config_rolled_back`. By default only loopback peers may PUT (`api.config_from`).
 *
 * `POST /probe` `{ source, calibrate? }` reads a source once through the running driver that
 * holds its line, between its polls: `{ raw, value, ms }` (value: `raw` calibrated, or null
 * without `calibrate`), or 4xx / 504 with the reason in words.
 *
 * `POST /server-check` (technician) tries the configured server URL with the configured token
 * once: reachable, HTTP status, token accepted or refused, round trip, clock offset, and each
 * problem in words es/en (server-check.ts).
 *
 * Every change route (`PUT /config`, `PUT /password`, `POST /probe`, `POST /server-check`) needs the technician password (access.ts);
 * `POST /login` / `POST /logout` give and end the page's session. Through the API a config may
 * not change `safety.command`, `server.token_file` or `api.*` (422 naming the key: those change
 * only in the file on disk, by someone who can already run a process on the device).
 *
 * Plain `node:http`, not Hono: `@hono/node-server` replaces the global `Request`/`Response` when
 * imported, which loads Node's fetch machinery, about 11.5 MB of RSS on a Pi whose agent should
 * stay under 80 MB (docs/decisions/2026-11-30-edge-cpu-gated-intake.md). Four routes do not need
 * a router.
 */

import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { EdgeSensors, EdgeServerCheck, EdgeStatus } from '@vigia/shared';
import { Calibration, ConfigError, calibrate, type ErrorBody, formatIssuesText, SensorSource } from '@vigia/shared';
import type { Registry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { type LoadedConfig, loadConfigText } from '../config.ts';
import { writeConfigAtomically } from '../config-file.ts';
import { ProbeError } from '../drivers/driver.ts';
import { type Access, isLoopback, type Refusal, SESSION_COOKIE } from './access.ts';
import type { Events } from './events.ts';
import { passwordProblem, writePasswordFile } from './password-file.ts';

export type LocalApiDeps = {
  status: () => EdgeStatus;
  sensors: () => EdgeSensors;
  registry: Registry;
  access: Access;
  /** Reads a source once through the running driver (runtime.ts `probe`). */
  probe?: (source: SensorSource) => Promise<{ raw: number }>;
  /** Tries the configured server URL with the configured token (runtime.ts `checkServer`). */
  serverCheck?: () => Promise<EdgeServerCheck>;
  mono?: () => number;
  /** `GET /events` (events.ts) and the page's files (static-page.ts), when served. */
  events?: Events;
  page?: { get(path: string): { status: number; type: string; body: Buffer } | null };
  /** The technician password file (`api.password_file`, absolute), for `PUT /password`. */
  passwordFile?: string;
  config?: {
    file: string;
    from: 'loopback' | 'any';
    current: () => LoadedConfig;
    apply: (next: LoadedConfig, persist: () => void) => Promise<void>;
  };
};

/** Keys only the file on disk may change: the API's own access, the alarm command, the token. */
const DISK_ONLY: { key: string; get: (c: LoadedConfig['config']) => unknown }[] = [
  { key: 'safety.command', get: (c) => c.safety.command },
  { key: 'server.token_file', get: (c) => c.server.token_file },
  { key: 'api', get: (c) => c.api },
];

const MAX_CONFIG_BYTES = 1024 * 1024;

/** `localhost`, `127.x.x.x` or `[::1]`, with or without a port; absent counts as loopback (HTTP/1.0). */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

type Answer = { status: number; type: string; text: string | Buffer; headers?: Record<string, string> };

const json = (body: unknown, status = 200): Answer => ({
  status,
  type: 'application/json',
  text: JSON.stringify(body),
});

/** An error answer: the `ErrorBody` shape the server's API uses too. */
const fail = (status: number, code: string, message: string, path?: string): Answer =>
  json({ error: { code, message, ...(path ? { path } : {}) } } satisfies ErrorBody, status);

const refused = (r: Refusal): Answer => fail(r.status, r.code, r.message);

/** The request's body as text, or null once it is over `limit` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function putConfig(deps: LocalApiDeps, req: IncomingMessage): Promise<Answer> {
  const cfg = deps.config;
  if (!cfg) return fail(404, 'not_found', 'this agent does not accept a config over the API');
  const peer = req.socket.remoteAddress;
  if (cfg.from === 'loopback' && peer !== undefined && !isLoopback(peer))
    return fail(403, 'forbidden', 'PUT /config is accepted from this machine only (api.config_from: loopback)');
  // A web page the technician has open could reach this loopback API through DNS rebinding
  // (its own name pointing at 127.0.0.1): it would send that name as Host.
  if (cfg.from === 'loopback' && !isLoopbackHost(req.headers.host))
    return fail(403, 'forbidden', 'PUT /config is not accepted from a web page; use vigia-config apply on the device');
  const denied = deps.access.forChange(req);
  if (denied) return refused(denied);
  const tooLarge = fail(413, 'too_large', 'the config is over 1 MB');
  if (Number(req.headers['content-length'] ?? 0) > MAX_CONFIG_BYTES) return tooLarge;
  const body = await readBody(req, MAX_CONFIG_BYTES);
  if (body === null) return tooLarge;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let text = body;
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      text = stringify(JSON.parse(body));
    } catch (err) {
      return fail(400, 'config_invalid', `the body is not valid JSON: ${(err as Error).message}`);
    }
  }
  let next: LoadedConfig;
  try {
    next = loadConfigText(text, cfg.file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return fail(422, 'config_invalid', err.message, err.path);
  }
  const now = cfg.current().config;
  for (const { key, get } of DISK_ONLY)
    if (JSON.stringify(get(next.config)) !== JSON.stringify(get(now)))
      return fail(
        422,
        'config_invalid',
        `${cfg.file}: ${key}: cannot be changed through the API: change it in the file on disk and restart the service / cámbielo en el archivo en el equipo`,
        key,
      );
  try {
    await cfg.apply(next, () => writeConfigAtomically(cfg.file, text));
  } catch (err) {
    if (err instanceof ConfigError) return fail(422, 'config_invalid', err.message, err.path);
    return fail(
      409,
      'config_rolled_back',
      `the new config could not start (${(err as Error).message}); the previous config is running again`,
    );
  }
  return json({ applied: true, file: cfg.file, sensors: next.config.sensors.length });
}

/** A small JSON body `{ password }`; null when it is not one. */
async function readPassword(req: IncomingMessage): Promise<string | null> {
  const body = await readBody(req, 4096);
  try {
    const parsed = JSON.parse(body ?? '') as { password?: unknown };
    return typeof parsed.password === 'string' ? parsed.password : null;
  } catch {
    return null;
  }
}

async function login(deps: LocalApiDeps, req: IncomingMessage): Promise<Answer> {
  const password = await readPassword(req);
  if (password === null) return fail(400, 'bad_request', 'send { "password": "..." } as JSON');
  const r = deps.access.login(req, password);
  if ('status' in r) return refused(r);
  return { ...json({ role: r.role }), headers: { 'set-cookie': r.setCookie } };
}

async function putPassword(deps: LocalApiDeps, req: IncomingMessage): Promise<Answer> {
  const denied = deps.access.forChange(req);
  if (denied) return refused(denied);
  const password = await readPassword(req);
  if (password === null) return fail(400, 'bad_request', 'send { "password": "..." } as JSON');
  const problem = passwordProblem(password);
  if (problem) return fail(422, 'password_invalid', problem);
  if (!deps.passwordFile) return fail(403, 'no_password', 'api.password_file is not set');
  writePasswordFile(deps.passwordFile, password);
  deps.access.endSessions();
  return json({ changed: true });
}

const ProbeBody = z.object({ source: SensorSource, calibrate: Calibration.optional() }).strict();

async function postProbe(deps: LocalApiDeps, req: IncomingMessage): Promise<Answer> {
  const denied = deps.access.forChange(req);
  if (denied) return refused(denied);
  if (!deps.probe) return fail(404, 'not_found', 'this agent cannot probe');
  const body = await readBody(req, 16 * 1024);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return fail(400, 'bad_request', 'send { "source": { ... } } as JSON, the same source: block as in the config');
  }
  const checked = ProbeBody.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return fail(422, 'source_invalid', formatIssuesText(checked.error, 'probe'), issue?.path.join('.'));
  }
  const mono = deps.mono ?? (() => performance.now());
  const started = mono();
  try {
    const { raw } = await deps.probe(checked.data.source);
    const value = checked.data.calibrate ? calibrate(raw, checked.data.calibrate) : null;
    return json({ raw, value, ms: Math.round(mono() - started) });
  } catch (err) {
    if (err instanceof ProbeError) return fail(err.status, err.status === 504 ? 'no_answer' : err.code, err.message);
    throw err;
  }
}

/**
 * The request's path without query or fragment. Not new URL(): a request for "//x" parses as a
 * host and throws (a 500, or outside `route` an uncaught error and a hung request; fuzz.test.ts).
 */
const pathOf = (req: IncomingMessage) => (req.url ?? '/').split(/[?#]/)[0];

async function route(deps: LocalApiDeps, req: IncomingMessage): Promise<Answer> {
  const path = pathOf(req);
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (req.method === 'POST' && path === '/login') return login(deps, req);
  if (req.method === 'POST' && path === '/logout') {
    deps.access.logout(req);
    return { ...json({ ok: true }), headers: { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` } };
  }
  if (req.method === 'PUT' && path === '/password') return putPassword(deps, req);
  if (req.method === 'POST' && path === '/probe') return postProbe(deps, req);
  if (req.method === 'POST' && path === '/server-check') {
    // A technician's: it sends the device token out (to the configured URL only).
    const denied = deps.access.forChange(req);
    if (denied) return refused(denied);
    if (!deps.serverCheck) return fail(404, 'not_found', 'this agent cannot check its server link');
    return json(await deps.serverCheck());
  }
  const readDenied = read ? deps.access.forRead(req) : null;
  if (readDenied) return refused(readDenied);
  if (read && path === '/status') return json(deps.status());
  if (read && path === '/sensors') return json(deps.sensors());
  if (read && path === '/metrics')
    return { status: 200, type: deps.registry.contentType, text: await deps.registry.metrics() };
  if (req.method === 'PUT' && path === '/config') return putConfig(deps, req);
  if (read && path === '/config' && deps.config) {
    // The file as written (relative paths as they are), for the page's form to edit and PUT back.
    const denied = deps.access.forTechnicianRead(req);
    if (denied) return refused(denied);
    return json({ file: deps.config.file, config: parse(readFileSync(deps.config.file, 'utf8')) });
  }
  const file = read ? deps.page?.get(path) : null;
  if (file) return { status: file.status, type: file.type, text: file.body, headers: { 'cache-control': 'no-cache' } };
  return fail(404, 'not_found', `no route ${req.method} ${path}`);
}

function send(res: ServerResponse, { status, type, text, headers }: Answer): void {
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The local API as a `node:http` request listener. */
export function createLocalApi(deps: LocalApiDeps): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && deps.events && pathOf(req) === '/events') {
      const denied = deps.access.forRead(req);
      if (denied) return send(res, refused(denied));
      if (!deps.events.open(req, res))
        send(
          res,
          fail(503, 'too_many_clients', 'too many pages open on this agent; close one / demasiadas páginas abiertas'),
        );
      return;
    }
    route(deps, req).then(
      (answer) => send(res, answer),
      (err: Error) => send(res, fail(500, 'internal', `the agent failed to answer: ${err.message}`)),
    );
  };
}
