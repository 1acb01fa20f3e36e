/**
 * @module backoff
 * The one retry-delay formula of Vigía: the edge forwarder, transports and clock probe, the
 * server's webhooks outbox and the dashboard's live reconnect all wait `backoffMs(attempt)`.
 * Capped exponential growth, then an optional random cut: the delay is `baseMs × 2^attempt`,
 * at most `maxMs`, of which the fraction `jitter` is drawn at random (0.5: a random 50–100 %
 * of it), so many clients cut off together do not come back together. Reads no clock.
 */

export type BackoffOptions = {
  /** Delay before the first retry (attempt 0), before jitter. */
  baseMs: number;
  /** Longest delay, before jitter. */
  maxMs: number;
  /** Fraction of the delay drawn at random, 0 (exact delays) to 1 (anywhere in 0…delay); default 0.5. */
  jitter?: number;
  /** Source of randomness in [0, 1); tests pass their own. */
  random?: () => number;
};

/**
 * Milliseconds to wait before retry number `attempt` (0-based).
 * @example backoffMs(3, { baseMs: 1000, maxMs: 15_000, jitter: 0 }) // 8000
 */
export function backoffMs(
  attempt: number,
  { baseMs, maxMs, jitter = 0.5, random = Math.random }: BackoffOptions,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(ceiling * (1 - jitter * random()));
}
