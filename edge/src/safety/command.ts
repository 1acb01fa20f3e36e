/**
 * @module safety/command
 * Runs an alarm's configured command: an argv array, no shell (nothing in a value can become
 * shell syntax), killed after a timeout. Resolves with what happened; never throws, so a broken
 * siren script cannot stop the agent or the other alarm actions.
 */
import { spawn } from 'node:child_process';

export type CommandOutcome = { ok: true } | { ok: false; message: string };

export function runCommand(
  argv: readonly string[],
  opts: { timeoutMs: number; env?: Record<string, string> },
): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let stderr = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...opts.env },
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
      });
    } catch (err) {
      resolve({ ok: false, message: `${argv[0]}: ${(err as Error).message}` });
      return;
    }
    child.stderr?.on('data', (d) => {
      if (stderr.length < 500) stderr += d;
    });
    child.once('error', (err) => resolve({ ok: false, message: `${argv[0]} could not run: ${err.message}` }));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve({ ok: true });
      const how = signal
        ? `was killed (${signal}${signal === 'SIGKILL' ? `, over ${opts.timeoutMs} ms` : ''})`
        : `exited ${code}`;
      resolve({ ok: false, message: `${argv.join(' ')} ${how}${stderr ? `: ${stderr.trim().slice(0, 300)}` : ''}` });
    });
  });
}
