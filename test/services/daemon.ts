/**
 * @module test/services/daemon
 * Start a long-running service binary for a test and stop it again by its PID. Never leaves a
 * process behind: `stop()` waits for the exit (SIGKILL after a grace period) before it resolves.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export type Daemon = {
  proc: ChildProcess;
  /** stdout and stderr so far, for error messages. */
  output: () => string;
  /** Whether the process has already exited (e.g. its port was taken). */
  exited: () => boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop: (graceMs?: number) => Promise<void>;
};

/** Spawn `command args` with its output captured (bounded, for diagnostics). */
export function spawnDaemon(command: string, args: string[]): Daemon {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  proc.once('error', (err) => {
    spawnError = err;
  });
  const exited = () => proc.exitCode !== null || proc.signalCode !== null || spawnError !== undefined;
  return {
    proc,
    output: () => (spawnError ? `${spawnError.message}\n` : '') + output,
    exited,
    stop: async (graceMs = 10_000) => {
      if (exited() || proc.pid === undefined) return;
      const gone = new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        if (exited()) resolve();
      });
      process.kill(proc.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited() && proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
      }, graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}
