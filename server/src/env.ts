/**
 * @module env
 * The only place the server reads its environment (docs/design.md C9). Everything else receives
 * these values as arguments. Settings come from `--config server.yaml` (loaded by config.ts,
 * defaults from the shared `ServerConfig` schema) and the `VIGIA_*` variables, which override
 * the file. Bad values are a ConfigError naming the variable (or file and key) and the fix.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, LOG_LEVELS, ServerConfig } from '@vigia/shared';
import type { LoadedServerConfig } from './config.ts';
import { DEFAULT_LIVE_LIMITS } from './routes/live.ts';

export type ServerEnv = {
  port: number;
  host: string;
  dataDir: string;
  dashboardDir: string;
  logLevel: string;
  /** Set when VIGIA_INFLUX_URL (or `influx.url` in the file) is: readings go to InfluxDB instead of readings.db. */
  influx?: { url: string; db: string; user?: string; password?: string };
  /** VIGIA_WEBHOOKS: comma-separated http(s) URLs that get breach opened/closed POSTs. */
  webhooks?: string[];
  /** VIGIA_TRUST_PROXY: peer addresses whose X-Forwarded-Proto/-For are believed (a TLS proxy in front). */
  trustProxy?: string[];
  /** VIGIA_METRICS_TOKEN: opens /metrics to non-loopback scrapers that send it as a bearer token. */
  metricsToken?: string;
  /**
   * VIGIA_SMTP_URL (smtp:// or smtps://, credentials in the URL), VIGIA_SMTP_FROM (sender) and
   * VIGIA_PUBLIC_URL (the dashboard's address, for links): e-mail notifications, all three or none.
   */
  email?: { smtpUrl: string; from: string; publicUrl: string };
  /** VIGIA_LIVE_MAX_PER_USER / VIGIA_LIVE_MAX_STREAMS: open live streams allowed (routes/live.ts has the defaults). */
  liveLimits?: { perUser: number; total: number };
};

/** `dashboard/dist` of this repository, found from this file (a path, never an import). */
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

/** A variable's value when set and not blank. */
const set = (env: NodeJS.ProcessEnv, name: string) => env[name]?.trim() || undefined;

/**
 * The settings: each `VIGIA_*` variable that is set wins over `loaded` (the config file), which
 * wins over the schema's defaults. Relative paths from the environment resolve against the
 * working directory, those from the file against its folder (config.ts).
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env, loaded?: LoadedServerConfig): ServerEnv {
  const file = loaded?.config ?? ServerConfig.parse({});
  const portText = set(env, 'VIGIA_PORT');
  const port = portText === undefined ? file.port : Number(portText);
  if (portText !== undefined && (!/^\d+$/.test(portText) || port > 65_535)) {
    throw new ConfigError(`VIGIA_PORT="${portText}" is not a port: use a whole number from 0 to 65535`);
  }
  const logLevel = set(env, 'VIGIA_LOG_LEVEL') ?? file.log_level;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`VIGIA_LOG_LEVEL="${logLevel}" is not a level: use one of ${LOG_LEVELS.join(', ')}`);
  }
  const dataDir = set(env, 'VIGIA_DATA_DIR');
  const dashboardDir = set(env, 'VIGIA_DASHBOARD_DIR');
  return {
    port,
    host: set(env, 'VIGIA_HOST') ?? file.host,
    dataDir: dataDir ? resolve(dataDir) : resolve(file.data_dir),
    dashboardDir: dashboardDir ? resolve(dashboardDir) : (file.dashboard_dir ?? DEFAULT_DASHBOARD_DIR),
    logLevel,
    influx: readInfluxEnv(env, loaded),
    ...readWebhooksEnv(env.VIGIA_WEBHOOKS),
    ...readTrustProxyEnv(env.VIGIA_TRUST_PROXY),
    ...readMetricsTokenEnv(env.VIGIA_METRICS_TOKEN),
    ...readLiveLimitsEnv(env),
    ...readEmailEnv(env),
  };
}

function readLiveLimitsEnv(env: NodeJS.ProcessEnv): { liveLimits?: { perUser: number; total: number } } {
  const read = (name: string, fallback: number) => {
    const text = set(env, name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100_000) {
      throw new ConfigError(`${name}="${text}" is not a count: use a whole number from 1 to 100000`);
    }
    return Number(text);
  };
  if (set(env, 'VIGIA_LIVE_MAX_PER_USER') === undefined && set(env, 'VIGIA_LIVE_MAX_STREAMS') === undefined) return {};
  return {
    liveLimits: {
      perUser: read('VIGIA_LIVE_MAX_PER_USER', DEFAULT_LIVE_LIMITS.perUser),
      total: read('VIGIA_LIVE_MAX_STREAMS', DEFAULT_LIVE_LIMITS.total),
    },
  };
}

/** The SMTP URL is only ever quoted without its password (it would otherwise reach the console). */
function readEmailEnv(env: NodeJS.ProcessEnv): { email?: ServerEnv['email'] } {
  const smtpUrl = set(env, 'VIGIA_SMTP_URL');
  const from = set(env, 'VIGIA_SMTP_FROM');
  const publicUrl = set(env, 'VIGIA_PUBLIC_URL');
  if (!smtpUrl) {
    if (from)
      throw new ConfigError('VIGIA_SMTP_FROM is set but VIGIA_SMTP_URL is not: set VIGIA_SMTP_URL to send e-mail');
    return {};
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    // reported below
  }
  if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol) || !parsed.hostname) {
    const shown = parsed ? `${parsed.protocol}//${parsed.host}` : 'the value given';
    throw new ConfigError(
      `VIGIA_SMTP_URL (${shown}) is not an SMTP address: use e.g. smtp://user:password@mail.example.org:587 or smtps://user:password@mail.example.org:465`,
    );
  }
  if (!from || !/^[^\s@<>]+@[^\s@<>]+$/.test(from.replace(/^.*<(.*)>$/, '$1'))) {
    throw new ConfigError(
      'VIGIA_SMTP_FROM is missing or not an e-mail address: set the sender, e.g. "Vigía <vigia@example.org>"',
    );
  }
  if (!publicUrl || !URL.canParse(publicUrl) || !['http:', 'https:'].includes(new URL(publicUrl).protocol)) {
    throw new ConfigError(
      'VIGIA_PUBLIC_URL is missing or not an http(s) address: set where users open the dashboard (e-mails link to it), e.g. https://vigia.example.org',
    );
  }
  return { email: { smtpUrl, from, publicUrl: publicUrl.replace(/\/+$/, '') } };
}

function readTrustProxyEnv(text: string | undefined): { trustProxy?: string[] } {
  const addresses = (text ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of addresses) {
    if (isIP(a) === 0)
      throw new ConfigError(
        `VIGIA_TRUST_PROXY: "${a}" is not an IP address: list the proxy's own addresses, e.g. 127.0.0.1,::1`,
      );
  }
  // The peer address is compared after the same normalisation (http/client-info.ts).
  return addresses.length > 0 ? { trustProxy: addresses.map((a) => a.toLowerCase()) } : {};
}

function readMetricsTokenEnv(text: string | undefined): { metricsToken?: string } {
  if (text === undefined || text === '') return {};
  if (text.trim().length < 16 || /\s/.test(text)) {
    throw new ConfigError(
      'VIGIA_METRICS_TOKEN is too short or has spaces: use at least 16 characters without spaces, e.g. the output of  openssl rand -hex 24',
    );
  }
  return { metricsToken: text };
}

function readInfluxEnv(env: NodeJS.ProcessEnv, loaded?: LoadedServerConfig): ServerEnv['influx'] {
  const fromFile = loaded?.config.influx;
  const url = set(env, 'VIGIA_INFLUX_URL');
  const db = set(env, 'VIGIA_INFLUX_DB');
  const user = set(env, 'VIGIA_INFLUX_USER');
  const password = env.VIGIA_INFLUX_PASSWORD || undefined;
  if (!url && !fromFile) {
    const stray = ['VIGIA_INFLUX_DB', 'VIGIA_INFLUX_USER', 'VIGIA_INFLUX_PASSWORD'].find((k) => env[k]?.trim());
    if (stray) {
      throw new ConfigError(
        `${stray} is set but VIGIA_INFLUX_URL is not: set VIGIA_INFLUX_URL (or influx.url in server.yaml) to use InfluxDB`,
      );
    }
    return undefined;
  }
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
      throw new ConfigError(`VIGIA_INFLUX_URL="${url}" is not an InfluxDB address: use e.g. http://127.0.0.1:8086`);
    }
    // A password in the URL would show in logs and in /health when InfluxDB is unreachable.
    if (parsed.username || parsed.password) {
      throw new ConfigError(
        'VIGIA_INFLUX_URL holds a user or password: put them in VIGIA_INFLUX_USER and VIGIA_INFLUX_PASSWORD instead',
      );
    }
  }
  // A variable replaces the file's value of the same setting; the password goes with its user.
  const finalUser = user ?? fromFile?.user;
  const finalPassword = password ?? (user && user !== fromFile?.user ? undefined : loaded?.influxPassword);
  if (finalPassword && !finalUser) {
    throw new ConfigError('VIGIA_INFLUX_PASSWORD is set without VIGIA_INFLUX_USER: set both');
  }
  const finalUrl = (url ?? fromFile?.url ?? '').replace(/\/+$/, '');
  return { url: finalUrl, db: db ?? fromFile?.db ?? 'vigia', user: finalUser, password: finalPassword };
}

function readWebhooksEnv(text: string | undefined): { webhooks?: string[] } {
  const urls = (text ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol))
      throw new ConfigError(`VIGIA_WEBHOOKS: "${url}" is not an http(s) URL: use e.g. https://hooks.example.org/vigia`);
  }
  return urls.length > 0 ? { webhooks: urls } : {};
}
