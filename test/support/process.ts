/**
 * @module test/support/process
 * Runs one Vigía program (server, edge, simulator) as a separate OS process, as in
 * production: output kept in a log file, stop by SIGTERM (graceful) or SIGKILL (a power cut).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Proc = {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Everything the process printed so far (stdout and stderr). */
  log: () => string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop: (graceMs?: number) => Promise<number | string>;
  kill9: () => Promise<number | string>;
};

export type StartOptions = {
  env?: Record<string, string>;
  logFile: string;
  echo?: boolean;
  cwd?: string;
  /** Node flags before the script, e.g. ['--import', 'tsx'] for a .ts entry point. */
  nodeArgs?: string[];
  /**
   * The program that runs the script instead of this Node, with its leading arguments, e.g. a
   * release's own Node under emulation: ['qemu-aarch64-static', '-L', sysroot, '<dir>/node/bin/node'].
   */
  command?: string[];
};

/** Start `node <script> ...args` with tsx available (the bins register it themselves). */
export function startNode(name: string, script: string, args: string[], opts: StartOptions): Proc {
  const [program, ...lead] = opts.command ?? [process.execPath];
  const child = spawn(program, [...lead, ...(opts.nodeArgs ?? []), script, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  const forward = (chunk: Buffer) => {
    out.write(chunk);
    if (opts.echo) process.stdout.write(chunk);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      out.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    }
    return exited;
  };
  const kill9 = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  };
  return {
    name,
    child,
    logFile: opts.logFile,
    log: () => {
      try {
        return readFileSync(opts.logFile, 'utf8');
      } catch {
        return '';
      }
    },
    exited,
    stop,
    kill9,
  };
}

/** Run a program to completion; resolves with its exit code and output. */
export function runNode(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: REPO,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
