/**
 * @module test/support/lock-dir
 * One build at a time across test workers and test files: a lock folder (mkdir either creates
 * it or fails). A lock older than `staleMs`, longer than the build it guards can take, was left
 * by a killed run and is removed; a lock still held after `staleMs` of waiting is an error.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { waitFor } from '../services/util.ts';

function tryLock(lock: string, staleMs: number): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    const held = statSync(lock, { throwIfNoEntry: false });
    if (held && Date.now() - held.mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/** Runs `fn` holding the lock folder `lock`; waits (polling every `pollMs`) while another holds it. */
export async function withLockDir<T>(
  lock: string,
  staleMs: number,
  fn: () => T | Promise<T>,
  pollMs = 200,
): Promise<T> {
  await waitFor(
    () => tryLock(lock, staleMs),
    staleMs,
    () => `${lock} held for ${Math.round(staleMs / 1000)} s: remove it if no test runs`,
    pollMs,
  );
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
