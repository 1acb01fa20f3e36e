/**
 * @module clock/boot
 * The monotonic time base readings are stamped in while the wall clock is not trusted: the
 * kernel's boot id and CLOCK_MONOTONIC (ms since boot, never stepped). Both survive a restart of
 * the agent within one boot, so readings held across a crash of the agent can still be placed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The kernel's boot id (Linux); elsewhere a per-process id (then held readings are per process). */
export function readBootId(file = '/proc/sys/kernel/random/boot_id'): string {
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  } catch {
    // not Linux: fall through
  }
  return `process-${randomUUID()}`;
}

/** CLOCK_MONOTONIC in whole ms (Node's hrtime is CLOCK_MONOTONIC: since boot on Linux). */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);
