/**
 * @module run-cli
 * For tests: runs the real `vigia-config` as a child process and collects its output.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', 'bin', 'vigia-config.mjs');

export type CliRun = { status: number | null; stdout: string; stderr: string };

/** Runs `vigia-config <args>` to its end. */
export const runCli = (...args: string[]) =>
  new Promise<CliRun>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
