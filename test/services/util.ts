/** @module test/services/util — small helpers shared by the service starters. */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fail loudly (never skip) when a service binary is missing: name the Debian package. */
export function requireCommand(command: string, debianPackage: string): void {
  if (!hasCommand(command)) {
    throw new Error(
      `${command} is not installed: run  apt-get install -y ${debianPackage}  (npm test does this when run as root)`,
    );
  }
}

/** Whether something already listens on `port` of 127.0.0.1. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** Poll `check` until it is true, or throw the message after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: () => string,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `waitFor` for in-process tests: every 10 ms, 5 s by default, a plain timeout message. */
export function until(check: () => boolean, ms = 5000): Promise<void> {
  return waitFor(check, ms, () => 'timed out waiting', 10);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
