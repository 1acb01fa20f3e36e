/**
 * @module password
 * The technician password for the agent's change routes (`PUT /config`, `POST /probe`):
 * from `--password-file FILE` (one line; what scripts use), else asked on the terminal without
 * echo, else none (the agent then answers 401 and the command says to pass `--password-file`).
 * Sent as HTTP Basic `technician:<password>`; never printed, never written anywhere.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const PASSWORD_HELP =
  'the agent needs the technician password: pass --password-file FILE (set it on the device with  vigia-edge passwd --config /etc/vigia/edge.yaml)';

function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    out._writeToOutput = () => undefined; // no echo of what is typed
  });
}

/** The `authorization` header to send, or an error message when the file cannot be read. */
export async function technicianAuth(passwordFile: string | undefined): Promise<Record<string, string> | string> {
  let password: string;
  if (passwordFile) {
    try {
      password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      return `cannot read --password-file ${passwordFile}: ${(err as Error).message}`;
    }
  } else if (process.stdin.isTTY) {
    process.stderr.write('Contraseña de técnico / technician password: ');
    password = await ask('');
  } else return {};
  return { authorization: `Basic ${Buffer.from(`technician:${password}`).toString('base64')}` };
}

/**
 * `GET url` from the agent with `headers`; when it answers 401 (it has a viewer password and is
 * reached from another machine) and `ask` is given, once more with the technician's password
 * from `ask` (a string: why it could not be had). Rejects as fetch does when no agent answers.
 */
export async function getAsTechnician(
  url: URL,
  headers: Record<string, string>,
  ask?: () => Promise<Record<string, string> | string>,
): Promise<Response | string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  if (res.status !== 401 || !ask) return res;
  const got = await ask();
  if (typeof got === 'string') return got;
  return got.authorization ? fetch(url, { headers: got, signal: AbortSignal.timeout(5000) }) : res;
}
