/**
 * @module env
 * The only place the server reads its environment (STYLE.md C9). Everything else receives
 * these values as arguments. Bad values are a ConfigError naming the variable and the fix.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@vigia/shared';

export type ServerEnv = {
  port: number;
  host: string;
  dataDir: string;
  dashboardDir: string;
  logLevel: string;
  /** Set when VIGIA_INFLUX_URL is: readings go to InfluxDB instead of readings.db. */
  influx?: { url: string; db: string; user?: string; password?: string };
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** `dashboard/dist` of this repository, found from this file (a path, never an import). */
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const portText = env.VIGIA_PORT?.trim() || '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new ConfigError(`VIGIA_PORT="${portText}" is not a port: use a whole number from 0 to 65535`);
  }
  const logLevel = env.VIGIA_LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`VIGIA_LOG_LEVEL="${logLevel}" is not a level: use one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    port,
    host: env.VIGIA_HOST?.trim() || '0.0.0.0',
    dataDir: resolve(env.VIGIA_DATA_DIR?.trim() || './data'),
    dashboardDir: resolve(env.VIGIA_DASHBOARD_DIR?.trim() || DEFAULT_DASHBOARD_DIR),
    logLevel,
    influx: readInfluxEnv(env),
  };
}

function readInfluxEnv(env: NodeJS.ProcessEnv): ServerEnv['influx'] {
  const url = env.VIGIA_INFLUX_URL?.trim();
  const db = env.VIGIA_INFLUX_DB?.trim();
  const user = env.VIGIA_INFLUX_USER?.trim() || undefined;
  const password = env.VIGIA_INFLUX_PASSWORD || undefined;
  if (!url) {
    const stray = ['VIGIA_INFLUX_DB', 'VIGIA_INFLUX_USER', 'VIGIA_INFLUX_PASSWORD'].find((k) => env[k]?.trim());
    if (stray)
      throw new ConfigError(`${stray} is set but VIGIA_INFLUX_URL is not: set VIGIA_INFLUX_URL to use InfluxDB`);
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
    throw new ConfigError(`VIGIA_INFLUX_URL="${url}" is not an InfluxDB address: use e.g. http://127.0.0.1:8086`);
  }
  if (password && !user) throw new ConfigError('VIGIA_INFLUX_PASSWORD is set without VIGIA_INFLUX_USER: set both');
  return { url: url.replace(/\/+$/, ''), db: db || 'vigia', user, password };
}
