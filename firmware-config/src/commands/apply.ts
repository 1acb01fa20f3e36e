/**
 * `vigia-config apply <edge.yaml> [--api URL] [--password-file FILE]`: validates the file here (the agent's own schema),
 * then sends it to the running agent (`PUT /config`), which checks it again with its secrets and
 * the ports of this machine, applies it and rolls back if it cannot start. Nothing is sent when
 * the local check fails. The agent needs the technician password (password.ts: the file, or a
 * prompt on a terminal).
 */
import { parseArgs } from 'node:util';
import { PASSWORD_HELP, technicianAuth } from '../password.ts';
import { validateFile } from './validate.ts';

export async function apply(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      api: { type: 'string', default: 'http://127.0.0.1:8081' },
      'password-file': { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    console.error('usage: vigia-config apply <edge.yaml> [--api http://127.0.0.1:8081] [--password-file FILE]');
    return 2;
  }
  const checked = await validateFile(file);
  if (!checked.ok) return 1;
  const auth = await technicianAuth(values['password-file']);
  if (typeof auth === 'string') {
    console.error(auth);
    return 2;
  }
  const url = new URL('/config', values.api);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml', ...auth },
      body: checked.text,
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    console.error(`No answer from the agent at ${url.origin}. Is vigia-edge running? (systemctl status vigia-edge)`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string }; sensors?: number };
  if (!res.ok) {
    const hint = res.status === 401 ? `\n${PASSWORD_HELP}` : '';
    console.error(
      `The agent did not apply ${file} (HTTP ${res.status}):\n${body.error?.message ?? JSON.stringify(body)}${hint}`,
    );
    return 1;
  }
  console.log(`${file}: applied — the agent now runs it (${body.sensors} sensor(s))`);
  return 0;
}
