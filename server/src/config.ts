/**
 * @module config
 * Loads `server.yaml` (`vigia-server --config <file>`): YAML, then the shared `ServerConfig`
 * schema (strict; defaults live there), then the InfluxDB password from its file. Relative
 * paths resolve against the config file's folder. Every failure is a `ConfigError` naming the
 * file, the path in it and the fix (exit 2). The environment is not read here: `env.ts`
 * merges the `VIGIA_*` variables over what this returns.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, formatIssuesText, ServerConfig } from '@vigia/shared';
import { parseDocument } from 'yaml';

export type LoadedServerConfig = {
  /** Absolute path of the config file. */
  file: string;
  /** Validated, defaults filled, paths absolute. */
  config: ServerConfig;
  /** The content of `influx.password_file` (one trailing newline removed). */
  influxPassword?: string;
};

function readText(path: string, file: string, key: string, fix: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    throw new ConfigError(`${file}: ${key}: ${path} ${why}: ${fix}`, file, key);
  }
}

/** Parse and check config text; `file` is used in messages and to resolve relative paths. */
export function parseServerConfig(text: string, file: string): ServerConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(top level)';
    throw new ConfigError(`${file}: ${where}: not valid YAML: ${e.message.split('\n')[0]}`, file);
  }
  const parsed = ServerConfig.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ConfigError(formatIssuesText(parsed.error, file), file, parsed.error.issues[0]?.path.join('.'));
  }
  const config = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  config.data_dir = abs(config.data_dir);
  if (config.dashboard_dir) config.dashboard_dir = abs(config.dashboard_dir);
  if (config.influx?.password_file) config.influx.password_file = abs(config.influx.password_file);
  return config;
}

/** Read, validate and resolve `server.yaml` and the password file it names. Throws `ConfigError`. */
export function loadServerConfig(path: string): LoadedServerConfig {
  const file = resolve(path);
  const text = readText(file, file, '(file)', 'pass the server config with --config <file> (see server/README.md)');
  const config = parseServerConfig(text, file);
  const passwordFile = config.influx?.password_file;
  if (!passwordFile) return { file, config };
  const password = readText(
    passwordFile,
    file,
    'influx.password_file',
    "write the InfluxDB user's password alone in that file (chmod 600)",
  ).replace(/\r?\n$/, '');
  if (!password) {
    throw new ConfigError(
      `${file}: influx.password_file: ${passwordFile} is empty: write the InfluxDB user's password in it`,
      file,
      'influx.password_file',
    );
  }
  return { file, config, influxPassword: password };
}
