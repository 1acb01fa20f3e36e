/**
 * @module auth/rate-limit
 * Failed logins per (client address, user name): after `maxFailures` within `windowMs` the
 * key is refused until the window of its first failure ends. In memory: a restart forgets.
 */
import { InputError } from '@vigia/shared';

/** 429: too many attempts (or, with another `code`, too much at once); `retryAfterS` becomes the Retry-After header. */
export class RateLimitedError extends InputError {
  constructor(
    message: string,
    readonly retryAfterS: number,
    code = 'too_many_attempts',
  ) {
    super(code, message, undefined, 429);
  }
}

export type LoginLimiter = {
  /** Throw RateLimitedError when `key` is locked out. */
  check(key: string, now: number): void;
  fail(key: string, now: number): void;
  /** Forget every failure of `key` (its user signed in). */
  succeed(key: string): void;
  /** Take back one counted try of `key` (it turned out to be a success). */
  forgive(key: string): void;
};

export function createLoginLimiter(maxFailures = 5, windowMs = 60_000): LoginLimiter {
  const failures = new Map<string, { since: number; count: number }>();
  const prune = (now: number) => {
    for (const [key, f] of failures) if (now - f.since >= windowMs) failures.delete(key);
  };
  return {
    check(key, now) {
      prune(now);
      const f = failures.get(key);
      if (f && f.count >= maxFailures) {
        const retryAfterS = Math.max(1, Math.ceil((f.since + windowMs - now) / 1000));
        throw new RateLimitedError(
          `too many failed sign-ins; try again in ${retryAfterS} s (demasiados intentos; espere ${retryAfterS} s)`,
          retryAfterS,
        );
      }
    },
    fail(key, now) {
      const f = failures.get(key);
      if (f && now - f.since < windowMs) f.count++;
      else failures.set(key, { since: now, count: 1 });
    },
    succeed(key) {
      failures.delete(key);
    },
    forgive(key) {
      const f = failures.get(key);
      if (f && --f.count <= 0) failures.delete(key);
    },
  };
}
