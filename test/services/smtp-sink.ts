/**
 * @module test/services/smtp-sink
 * A real SMTP server process for e-mail tests: Python 3.11's standard `smtpd` (smtp-sink.py),
 * loopback only, that accepts every message and writes it, parsed, to a folder. `stop()` kills
 * it (the sender then meets a refused connection), `start()` brings it back on the same port;
 * messages received across restarts stay in `messages()`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Daemon, spawnDaemon } from './daemon.ts';
import { freePort, requireCommand, waitFor } from './util.ts';

const SCRIPT = fileURLToPath(new URL('./smtp-sink.py', import.meta.url));

export type SinkMessage = {
  mail_from: string;
  rcpt_to: string[];
  from: string;
  to: string;
  subject: string;
  message_id: string;
  auto_submitted: string;
  text: string;
};

export type SmtpSink = {
  port: number;
  /** `smtp://127.0.0.1:<port>`: VIGIA_SMTP_URL for the server under test. */
  url: string;
  /** Every message received so far, in arrival order. */
  messages(): SinkMessage[];
  /** Resolves once `n` messages arrived (throws after `timeoutMs`, naming what did arrive). */
  waitForMessages(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Start again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Kill the process; connections are refused until `start`. */
  stop(): Promise<void>;
  /** Stop and remove the folder. */
  close(): Promise<void>;
};

export async function startSmtpSink(): Promise<SmtpSink> {
  requireCommand('python3', 'python3');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-smtp-'));
  const port = await freePort();
  let daemon: Daemon | undefined;
  const messages = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SinkMessage);
  const start = async () => {
    const d = spawnDaemon('python3', [SCRIPT, String(port), dir]);
    daemon = d;
    await waitFor(
      () => d.exited() || d.output().includes('ready'),
      10_000,
      () => `the SMTP sink did not start on 127.0.0.1:${port}:\n${d.output()}`,
    );
    if (d.exited()) throw new Error(`the SMTP sink exited on 127.0.0.1:${port}:\n${d.output()}`);
  };
  await start();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitForMessages(n, timeoutMs = 15_000) {
      await waitFor(
        () => messages().length >= n,
        timeoutMs,
        () =>
          `expected ${n} e-mail(s) at the sink, got ${messages().length}: ${JSON.stringify(messages().map((m) => [m.to, m.subject]))}`,
      );
      return messages();
    },
    start,
    stop: async () => daemon?.stop(),
    close: async () => {
      await daemon?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
