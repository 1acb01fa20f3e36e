import { describe, expect, it } from 'vitest';
import { createPollLoop } from './poll-loop.ts';

const tuning = { backoffAfter: 2, backoffMinMs: 1000, backoffMaxMs: 30_000 };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('poll loop', () => {
  it('does not poll while the line is down, and starts at once when woken', async () => {
    let open = false;
    const polled: number[] = [];
    const loop = createPollLoop({
      entries: [{ unit: 1, intervalMs: 20 }],
      tuning,
      clock: Date.now,
      isOpen: () => open,
      poll: async (i) => {
        polled.push(i);
        return 'answered';
      },
    });
    loop.start();
    await pause(100);
    expect(polled).toEqual([]);
    open = true;
    loop.wake();
    await pause(110);
    expect(polled.length).toBeGreaterThanOrEqual(3);
    await loop.stop();
    const after = polled.length;
    await pause(60);
    expect(polled.length).toBe(after);
  });

  it('a lost line is not the unit’s fault: the slot is polled again, not settled, so no backoff', async () => {
    let lost = 3;
    const outcomes: string[] = [];
    const loop = createPollLoop({
      entries: [{ unit: 1, intervalMs: 1000 }],
      tuning,
      clock: Date.now,
      isOpen: () => true,
      poll: async () => {
        const outcome = lost-- > 0 ? 'lost' : 'answered';
        outcomes.push(outcome);
        return outcome;
      },
    });
    loop.start();
    await pause(50);
    await loop.stop();
    // three lost polls retried at once (a settled slot would wait the 1 s interval)
    expect(outcomes).toEqual(['lost', 'lost', 'lost', 'answered']);
  });
});
