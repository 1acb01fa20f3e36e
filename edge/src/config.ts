/**
 * @module config
 * Loads `edge.yaml`: YAML, then the shared `EdgeConfig` schema (strict; defaults live there),
 * then the checks only the agent can make (one driver per local device such as a serial port,
 * each driver's own checks across the sensors of one instance (`checkGroup`: e.g. one baud per
 * port), MQTT sensors able to connect), then the secrets from their files. Everything
 * is checked before anything opens (docs/design.md C9). Relative paths resolve against the config
 * file's folder. Every failure is a `ConfigError` whose message names the file, the path in it
 * and the fix.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { alarmTopic, ConfigError, type DriverName, EdgeConfig, formatIssuesText } from '@vigia/shared';
import { parseDocument } from 'yaml';
import type { BrokerUserSecret } from './broker/embedded-broker.ts';
import { DRIVERS } from './drivers/index.ts';

export type LoadedConfig = {
  /** Absolute path of the config file. */
  file: string;
  config: Readonly<EdgeConfig>;
  token: string;
  brokerUsers: readonly BrokerUserSecret[];
  /** PEM contents of `broker.tls` (embedded broker over TLS), `broker.ca_file` and `server.ca_file`. */
  pem: { brokerCert?: string; brokerKey?: string; brokerCa?: string; serverCa?: string };
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

/** Agent-only checks on a schema-valid config; returns `path: message` lines. */
export function checkForAgent(config: EdgeConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const deviceOwners = new Map<string, { driver: string; index: number }>();
  const groups = new Map<string, { driver: DriverName; indices: number[] }>();
  config.sensors.forEach((s, i) => {
    const driver = s.source.driver;
    const mod = DRIVERS[driver];
    const key = `${driver}\u0000${mod.instanceKey(s.source)}`;
    const group = groups.get(key) ?? { driver, indices: [] };
    group.indices.push(i);
    groups.set(key, group);
    const device = mod.device?.(s.source);
    if (device !== undefined) {
      const owner = deviceOwners.get(device);
      if (owner && owner.driver !== driver)
        problems.push({
          path: `sensors[${i}].source.port`,
          message: `${device} is already read by the ${owner.driver} driver (sensors[${owner.index}], ${config.sensors[owner.index].id}); one serial port can carry one driver only`,
        });
      else if (!owner) deviceOwners.set(device, { driver, index: i });
    }
  });
  for (const { driver, indices } of groups.values()) {
    const found = DRIVERS[driver].checkGroup?.(indices.map((i) => config.sensors[i])) ?? [];
    for (const p of found) problems.push({ path: `sensors[${indices[p.index]}].source.${p.key}`, message: p.message });
  }
  const usesMqtt = config.sensors.some((s) => DRIVERS[s.source.driver].intake === 'mqtt');
  if (usesMqtt && !config.broker.url && !config.broker.allow_anonymous && config.broker.users.length === 0) {
    problems.push({
      path: 'broker',
      message:
        'MQTT sensors are configured but the embedded broker accepts nobody: add broker.users (username + password_file) or set broker.allow_anonymous: true',
    });
  }
  if (!config.broker.url) problems.push(...checkBrokerUsers(config));
  return problems;
}

/**
 * Per-user MQTT permissions (config/broker.ts): every MQTT sensor's topic is publishable by some
 * user (or anonymously), and no user may publish the agent's alarm topic.
 */
function checkBrokerUsers(config: EdgeConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const alarm = alarmTopic(config.safety, config.device.id);
  const granted = new Set(config.broker.users.flatMap((u) => u.topics));
  config.broker.users.forEach((u, i) => {
    const j = u.topics.indexOf(alarm);
    if (j >= 0)
      problems.push({
        path: `broker.users[${i}].topics[${j}]`,
        message: `${alarm} is the agent's alarm topic: only the agent publishes it; remove it from ${u.username}'s topics (nodes may subscribe to it)`,
      });
  });
  if (config.broker.allow_anonymous || config.broker.users.length === 0) return problems;
  config.sensors.forEach((s, i) => {
    if (s.source.driver !== 'mqtt' || granted.has(s.source.topic)) return;
    problems.push({
      path: `sensors[${i}].source.topic`,
      message: `no broker user may publish ${s.source.topic}: add it to the topics of the node's user in broker.users, e.g. topics: [${s.source.topic}]`,
    });
  });
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses and checks config text. `file` is used in messages and to resolve relative paths. */
export function parseConfig(text: string, file: string): Readonly<EdgeConfig> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(top level)';
    throw new ConfigError(`${file}: ${where}: not valid YAML: ${e.message.split('\n')[0]}`, file);
  }
  let data: unknown;
  try {
    data = doc.toJS(); // throws on an alias with no anchor (*name), which parsing lets through
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`, file);
  }
  const parsed = EdgeConfig.safeParse(data);
  if (!parsed.success) throw new ConfigError(formatIssuesText(parsed.error, file), file);
  const problems = checkForAgent(parsed.data);
  if (problems.length)
    throw new ConfigError(problems.map((p) => `${file}: ${p.path}: ${p.message}`).join('\n'), file, problems[0].path);
  const config = parsed.data;
  const dir = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  config.buffer.path = abs(config.buffer.path);
  config.server.token_file = abs(config.server.token_file);
  if (config.server.ca_file) config.server.ca_file = abs(config.server.ca_file);
  for (const u of config.broker.users) u.password_file = abs(u.password_file);
  if (config.broker.ca_file) config.broker.ca_file = abs(config.broker.ca_file);
  if (config.broker.tls) {
    config.broker.tls.cert_file = abs(config.broker.tls.cert_file);
    config.broker.tls.key_file = abs(config.broker.tls.key_file);
  }
  if (config.api.password_file) config.api.password_file = abs(config.api.password_file);
  if (config.api.viewer_password_file) config.api.viewer_password_file = abs(config.api.viewer_password_file);
  return deepFreeze(config);
}

/** Reads, validates and resolves the config and its secrets. Throws `ConfigError`. */
export function loadConfig(path: string): LoadedConfig {
  const file = resolve(path);
  const text = readText(file, file, '(file)', "pass the agent's config with --config <file> (see edge/README.md)");
  return loadConfigText(text, file);
}

/**
 * Validates config text as if it were the file `file` (relative paths resolve against its
 * folder) and reads its secrets: what `loadConfig` and `PUT /config` share. Throws `ConfigError`.
 */
export function loadConfigText(text: string, file: string): LoadedConfig {
  const config = parseConfig(text, file);
  const token = readText(
    config.server.token_file,
    file,
    'server.token_file',
    `on the server run  vigia-server device add ${config.device.id} --site ${config.device.site}  and put the token it prints in that file`,
  ).trim();
  if (!token)
    throw new ConfigError(
      `${file}: server.token_file: ${config.server.token_file} is empty: on the server run  vigia-server device add ${config.device.id} --site ${config.device.site}  and put the token it prints in that file`,
      file,
      'server.token_file',
    );
  const brokerUsers = config.broker.users.map((u, i) => ({
    username: u.username,
    password: Buffer.from(
      readText(
        u.password_file,
        file,
        `broker.users[${i}].password_file`,
        'create the file with the password on one line',
      ).replace(/\r?\n$/, ''),
    ),
  }));
  const pemOf = (path: string | undefined, key: string, fix: string) =>
    path === undefined ? undefined : readText(path, file, key, fix);
  const pem = {
    brokerCert: pemOf(config.broker.tls?.cert_file, 'broker.tls.cert_file', 'give the PEM certificate of the broker'),
    brokerKey: pemOf(
      config.broker.tls?.key_file,
      'broker.tls.key_file',
      'give the PEM private key of that certificate',
    ),
    brokerCa: pemOf(config.broker.ca_file, 'broker.ca_file', 'give the PEM CA (or certificate) of the existing broker'),
    serverCa: pemOf(config.server.ca_file, 'server.ca_file', 'give the PEM CA (or certificate) of the Vigía server'),
  };
  return { file, config, token, brokerUsers, pem };
}
