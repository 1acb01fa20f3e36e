/**
 * @module test/services/socat
 * A real pseudo-terminal pair made by socat: what one end writes, the other reads, as on a
 * serial cable. A fresh pair per test, because bytes written while nobody listens are kept
 * and handed to the next opener (toolchain.md section 5).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand, waitFor } from './util.ts';

export type PtyPair = { a: string; b: string; stop: () => Promise<void> };

/** Start `socat` with two linked ptys; resolves once both device links exist. */
export async function startPtyPair(): Promise<PtyPair> {
  requireCommand('socat', 'socat');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-pty-'));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  await waitFor(
    () => existsSync(a) && existsSync(b),
    5000,
    () => `socat did not create the pty pair: ${stderr}`,
  );
  return {
    a,
    b,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
