import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

const bounds = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 10_000_000 }))
  .map(([baseMs, extra]) => ({ baseMs, maxMs: baseMs + extra }));

describe('backoffMs', () => {
  it('without jitter: doubles from baseMs, never decreases from one attempt to the next, stops at maxMs', () => {
    fc.assert(
      fc.property(bounds, fc.integer({ min: 0, max: 200 }), ({ baseMs, maxMs }, attempt) => {
        const o = { baseMs, maxMs, jitter: 0 };
        const d = backoffMs(attempt, o);
        expect(backoffMs(attempt + 1, o)).toBeGreaterThanOrEqual(d);
        expect(d).toBeLessThanOrEqual(maxMs);
        expect(d).toBeGreaterThanOrEqual(Math.min(baseMs, maxMs));
        expect(d).toBe(Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30)));
      }),
    );
  });

  it('with jitter j: stays between (1 − j) and all of the un-jittered delay, so never above maxMs', () => {
    fc.assert(
      fc.property(
        bounds,
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        ({ baseMs, maxMs }, attempt, jitter, r) => {
          const exact = backoffMs(attempt, { baseMs, maxMs, jitter: 0 });
          const d = backoffMs(attempt, { baseMs, maxMs, jitter, random: () => r });
          expect(d).toBeLessThanOrEqual(exact);
          expect(d).toBeLessThanOrEqual(maxMs);
          expect(d).toBeGreaterThanOrEqual(Math.floor(exact * (1 - jitter)));
        },
      ),
    );
  });

  it('gives the figures the parts rely on', () => {
    // Dashboard reconnect (no jitter): 1 s, 2 s, 4 s, 8 s, then 15 s.
    expect([0, 1, 2, 3, 4, 9].map((a) => backoffMs(a, { baseMs: 1000, maxMs: 15_000, jitter: 0 }))).toEqual([
      1000, 2000, 4000, 8000, 15_000, 15_000,
    ]);
    // Default jitter 0.5: the lowest draw halves the delay, the highest keeps it.
    expect(backoffMs(2, { baseMs: 500, maxMs: 30_000, random: () => 0 })).toBe(2000);
    expect(backoffMs(2, { baseMs: 500, maxMs: 30_000, random: () => 0.999_999 })).toBe(1000);
    // A huge attempt count neither overflows nor exceeds the cap.
    expect(backoffMs(10_000, { baseMs: 3_600_000, maxMs: 3_600_000, jitter: 0 })).toBe(3_600_000);
  });
});
