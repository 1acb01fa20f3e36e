/**
 * @module backoff
 * Capped exponential backoff with full jitter, and an abortable sleep. Used by the forwarder
 * and by every transport that retries, so all retry the same way.
 */
export type BackoffOptions = { minMs: number; maxMs: number; random?: () => number };

/** Delay before retry number `attempt` (0-based): random in [min/2, min*2^attempt], capped at max. */
export function backoffDelayMs(attempt: number, { minMs, maxMs, random = Math.random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(ceiling, minMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
