/**
 * @module passwd
 * `vigia-edge passwd --config edge.yaml [--viewer]`: reads a password on stdin (one line; from a
 * terminal or a pipe) and writes its scrypt hash to `api.password_file` (or
 * `api.viewer_password_file` with `--viewer`), mode 0600, owned by whoever runs it (run it as the
 * agent's user: `sudo -u vigia vigia-edge passwd ...`). The running agent reads the file on each
 * check, so no restart is needed. Only the config's schema is checked: secrets need not exist yet.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@vigia/shared';
import { parseConfig } from './config.ts';
import { passwordProblem, writePasswordFile } from './local-api/password-file.ts';

const USAGE = 'usage: echo "<password>" | vigia-edge passwd --config edge.yaml [--viewer]';

/** Runs the command; returns the exit code (0 written, 1 refused, 2 usage or config). */
export function passwd(argv: string[], stdin: () => string = () => readFileSync(0, 'utf8')): number {
  let values: { config?: string; viewer?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, viewer: { type: 'boolean' } },
    }).values;
  } catch (err) {
    process.stderr.write(`vigia-edge passwd: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.config) {
    process.stderr.write(`vigia-edge passwd: missing --config\n${USAGE}\n`);
    return 2;
  }
  const file = resolve(values.config);
  let api: ReturnType<typeof parseConfig>['api'];
  try {
    api = parseConfig(readFileSync(file, 'utf8'), file).api;
  } catch (err) {
    const why = err instanceof ConfigError ? err.message : (err as Error).message;
    process.stderr.write(`vigia-edge passwd: cannot read the config:\n${why}\n`);
    return 2;
  }
  const key = values.viewer ? 'viewer_password_file' : 'password_file';
  const target = api[key];
  if (!target) {
    process.stderr.write(
      `vigia-edge passwd: ${file}: api.${key} is not set: add it (e.g. api: { ${key}: ./${values.viewer ? 'viewer' : 'technician'}.pass }) and run this again / agregue api.${key} al archivo\n`,
    );
    return 2;
  }
  const password = stdin().replace(/\r?\n$/, '');
  const problem = passwordProblem(password);
  if (problem) {
    process.stderr.write(`vigia-edge passwd: ${problem}\n`);
    return 1;
  }
  writePasswordFile(target, password);
  process.stdout.write(
    `vigia-edge passwd: wrote the ${values.viewer ? 'viewer' : 'technician'} password hash to ${target} (mode 0600)\n`,
  );
  return 0;
}
