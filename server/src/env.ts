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
  };
}
