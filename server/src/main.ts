/**
 * @module main
 * The `vigia-server` command. No arguments: serve. `device add`, `device revoke`, `device rotate-token`,
 * `user add|list|disable|enable|passwd|remove`: admin tasks.
 * Reads the environment only through env.ts; builds the dependencies and hands them to
 * createApp. On SIGTERM/SIGINT: stop accepting, let in-flight requests finish (an
 * acknowledged batch is already committed), end live streams, close the databases, exit 0.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { VigiaError } from '@vigia/shared';
import { pino } from 'pino';
import { Gauge } from 'prom-client';
import { createApp } from './app.ts';
import { addDevice, addUser, reassignSensor, revokeDevice, rotateDeviceToken } from './cli/admin.ts';
import { deleteUser, listUsers, setUserDisabled, setUserPassword } from './cli/users.ts';
import { systemClock } from './clock.ts';
import { createComplianceEngine } from './compliance/engine.ts';
import { loadSigningKey, redactUrl, webhookSecret } from './compliance/webhook-signing.ts';
import { createWebhooks } from './compliance/webhooks.ts';
import { loadServerConfig } from './config.ts';
import { readEnv, type ServerEnv } from './env.ts';
import { createLiveHub } from './live/hub.ts';
import { type Meta, openMeta } from './meta/meta.ts';
import { createEmailNotifier } from './notifications/email.ts';
import { openStore } from './storage/open-store.ts';
import { createTelemetry } from './telemetry.ts';

const USAGE = `Usage:
  vigia-server [--config server.yaml]            serve (settings from the file; VIGIA_* environment variables override it)
  vigia-server device add <id> --site <site>     create a device; prints its token on the last line
  vigia-server device revoke <id>                refuse the device's token from now on (401 token_revoked)
  vigia-server device rotate-token <id>          a new token for the device (printed alone on the last line)
  vigia-server sensor reassign <id> --device <d>  give a sensor id to device d (another device claimed it first)
  vigia-server webhook secret <url>              print the signing secret of a webhook URL (for the receiver)
  vigia-server user list                         the users: name, role, sites, enabled or disabled
  vigia-server user disable|enable <name>        a disabled user cannot sign in; its sessions end at once
  vigia-server user passwd <name> --password-stdin   a new password (sessions end); read from stdin
  vigia-server user remove <name>                delete the user (its name stays in the audit log)
  vigia-server user add <name> --role <operator|officer|technician|admin> (--site <site>... | --all-sites) --password-stdin
                                                 create a user seeing those sites (none without either option);
                                                 the password (12+ characters, not a common one) is read from stdin
  --config <file> applies to every command (data_dir, influx); see server/README.md`;

const SHUTDOWN_GRACE_MS = 10_000;

/** A mistake in how the command was called: message plus usage, exit 2. */
class UsageError extends Error {}

const metaFile = (env: ServerEnv) => join(env.dataDir, 'meta.db');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** An admin task on meta.db: print the line(s) it returns; meta.db is closed whatever happens. */
async function printFromMeta(
  env: ServerEnv,
  task: (meta: Meta) => string | string[] | Promise<string | string[]>,
): Promise<void> {
  const meta = openMeta(metaFile(env));
  try {
    const out = await task(meta);
    for (const line of typeof out === 'string' ? [out] : out) console.log(line);
  } finally {
    meta.close();
  }
}

async function runAdmin(env: ServerEnv, positionals: string[], values: Record<string, unknown>): Promise<void> {
  const [noun, verb, name, ...extra] = positionals;
  if (noun === 'device' && verb === 'revoke' && name && extra.length === 0) {
    return printFromMeta(env, (meta) => revokeDevice(meta, systemClock, { id: name }));
  }
  if (noun === 'device' && verb === 'rotate-token' && name && extra.length === 0) {
    return printFromMeta(env, (meta) => rotateDeviceToken(meta, systemClock, { id: name }));
  }
  if (noun === 'sensor' && verb === 'reassign' && name && extra.length === 0) {
    if (typeof values.device !== 'string') throw new UsageError('sensor reassign needs --device <device>');
    const device = values.device;
    return printFromMeta(env, (meta) => reassignSensor(meta, systemClock, { id: name, device }));
  }
  if (noun === 'webhook' && verb === 'secret' && name && extra.length === 0) {
    if (!URL.canParse(name) || !['http:', 'https:'].includes(new URL(name).protocol)) {
      throw new UsageError(`"${redactUrl(name)}" is not an http(s) URL: give it exactly as in VIGIA_WEBHOOKS`);
    }
    mkdirSync(env.dataDir, { recursive: true });
    console.log(
      `Signing secret of the webhook ${redactUrl(name)}: each request carries X-Vigia-Signature: sha256=<hex HMAC-SHA256 of the body with this secret>. It follows, alone on the last line:`,
    );
    console.log(webhookSecret(loadSigningKey(env.dataDir), name));
    return;
  }
  if (noun === 'user' && verb !== 'add') {
    await runUserCommand(env, verb, name, extra, values);
    return;
  }
  if (verb !== 'add' || !name || extra.length > 0) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  if (noun === 'device') {
    const site = values.site as string[] | undefined;
    if (site?.length !== 1) throw new UsageError('device add needs exactly one --site <site>');
    return printFromMeta(env, (meta) => addDevice(meta, systemClock, { id: name, site: site[0] }));
  }
  if (noun === 'user') {
    if (typeof values.role !== 'string') throw new UsageError('user add needs --role <role>');
    if (!values['password-stdin']) {
      throw new UsageError('user add needs --password-stdin (the password is never taken from the command line)');
    }
    const password = await readStdin();
    const role = values.role;
    const sites = (values.site as string[] | undefined) ?? [];
    const allSites = values['all-sites'] === true;
    return printFromMeta(env, (meta) => addUser(meta, systemClock, { name, role, sites, allSites, password }));
  }
  throw new UsageError(`unknown command "${positionals.join(' ')}"`);
}

/** `user list|disable|enable|passwd|remove` (cli/users.ts). */
async function runUserCommand(
  env: ServerEnv,
  verb: string | undefined,
  name: string | undefined,
  extra: string[],
  values: Record<string, unknown>,
): Promise<void> {
  if (verb === 'list' && !name) {
    return printFromMeta(env, listUsers);
  }
  if (!name || extra.length > 0 || !['disable', 'enable', 'passwd', 'remove'].includes(verb ?? '')) {
    throw new UsageError(`unknown command "user ${[verb, name, ...extra].filter(Boolean).join(' ')}"`);
  }
  if (verb === 'passwd' && !values['password-stdin']) {
    throw new UsageError('user passwd needs --password-stdin (the password is never taken from the command line)');
  }
  const password = verb === 'passwd' ? await readStdin() : '';
  return printFromMeta(env, (meta) => {
    if (verb === 'disable' || verb === 'enable') return setUserDisabled(meta, systemClock, name, verb === 'disable');
    if (verb === 'passwd') return setUserPassword(meta, systemClock, name, password);
    return deleteUser(meta, systemClock, name);
  });
}

function runServer(env: ServerEnv): void {
  const log = pino({ level: env.logLevel, base: { component: 'vigia-server' } }, pino.destination(2));
  const meta = openMeta(metaFile(env));
  const store = openStore(env, log);
  const live = createLiveHub();
  const telemetry = createTelemetry(log);
  const key = env.webhooks ? loadSigningKey(env.dataDir) : undefined;
  const webhooks = createWebhooks(meta, log, {
    urls: env.webhooks ?? [],
    telemetry,
    secretFor: key && ((url) => webhookSecret(key, url)),
  });
  const notifications = env.email && createEmailNotifier(meta, log, { ...env.email, telemetry });
  if (env.email) {
    // Scheme and host only: the URL's user and password stay out of the log.
    const smtp = new URL(env.email.smtpUrl);
    log.info({ smtp: `${smtp.protocol}//${smtp.host}`, from: env.email.from }, 'emailNotificationsOn');
  }
  const compliance = createComplianceEngine({
    store,
    meta,
    live,
    clock: systemClock,
    log,
    webhooks,
    notifications,
    telemetry,
    timeZoneOf: meta.timeZoneOf,
  });
  compliance.start();
  notifications?.start();
  const app = createApp({
    ...{ store, meta, live, clock: systemClock, log, dashboardDir: env.dashboardDir },
    ...{ compliance, telemetry },
    trustProxy: env.trustProxy,
    metricsToken: env.metricsToken,
    liveLimits: env.liveLimits,
    emailEnabled: env.email !== undefined,
  });
  new Gauge({
    name: 'vigia_store_up',
    help: 'The readings store: 1 when it is reachable (an embedded one always is), 0 otherwise',
    registers: [app.telemetry.registry],
    collect() {
      this.set(store.status().state === 'ok' ? 1 : 0);
    },
  });
  const server = serve({ fetch: app.fetch, port: env.port, hostname: env.host }, (info) => {
    console.log(`Vigía server listening on http://${env.host}:${info.port}`);
    log.info({ dataDir: env.dataDir, dashboardDir: env.dashboardDir }, 'serverStarted');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `vigia-server: port ${env.port} is in use by another program: stop it, or set VIGIA_PORT (or port in server.yaml)`
        : `vigia-server: cannot listen on ${env.host}:${env.port}: ${err.message}`,
    );
    process.exit(2);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdownStarted');
    // Anything still open after the grace period is cut; the edge re-sends unacknowledged batches.
    const force = setTimeout(() => {
      log.warn('shutdown grace period over: closing remaining connections');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      // Queued replays finish and every rule stores a checkpoint before the databases close.
      await compliance.stop().catch((err) => log.error({ err }, 'complianceStopFailed'));
      await notifications?.stop().catch((err) => log.error({ err }, 'emailStopFailed'));
      await store.close();
      meta.close();
      log.info('shutdownFinished');
      log.flush();
      process.exit(0);
    });
    live.close();
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string', multiple: true },
      role: { type: 'string' },
      device: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'all-sites': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string', short: 'c' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // The whole file is checked (and its password read) before anything opens (docs/design.md C9).
  const env = readEnv(process.env, values.config === undefined ? undefined : loadServerConfig(values.config));
  if (positionals.length === 0) runServer(env);
  else await runAdmin(env, positionals, values);
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
    console.error(`vigia-server: ${(err as Error).message}\n\n${USAGE}`);
  } else if (err instanceof VigiaError) {
    console.error(`vigia-server: ${err.message}`);
  } else {
    console.error('vigia-server: unexpected error:', err);
  }
  process.exitCode = 2;
}
