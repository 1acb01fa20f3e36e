import { describe, expect, it } from 'vitest';
import { createScheduler } from './scheduler.ts';

const tuning = { backoffAfter: 2, backoffMinMs: 1000, backoffMaxMs: 30_000 };

describe('polled-driver scheduler', () => {
  it('keeps each sensor on its grid; a poll a whole interval late skips the missed slots', () => {
    const s = createScheduler([{ unit: 1, intervalMs: 200 }], 0, tuning);
    expect(s.next()).toEqual({ index: 0, at: 0 });
    s.settle(0, 'answered', 150); // late, but within the interval: keep the grid
    expect(s.next().at).toBe(200);
    s.settle(0, 'answered', 650); // 450 ms late: slots 400 and 600 are skipped
    expect(s.next().at).toBe(800);
  });

  it('polls the sensor due first', () => {
    const s = createScheduler(
      [
        { unit: 1, intervalMs: 1000 },
        { unit: 2, intervalMs: 100 },
      ],
      0,
      tuning,
    );
    s.settle(0, 'answered', 5);
    expect(s.next()).toEqual({ index: 1, at: 0 });
    s.settle(1, 'answered', 10);
    expect(s.next()).toEqual({ index: 1, at: 100 });
  });

  it('a silent unit backs off 1 s, 2 s, 4 s … capped at 30 s, skipping its slots; an answer resets it', () => {
    const s = createScheduler(
      [
        { unit: 9, intervalMs: 200 },
        { unit: 9, intervalMs: 200 },
        { unit: 1, intervalMs: 200 },
      ],
      0,
      tuning,
    );
    s.settle(0, 'silent', 300);
    expect(s.unit(9)).toEqual({ failures: 1, retryAt: 0 }); // one timeout may be noise
    s.settle(1, 'silent', 600);
    expect(s.unit(9)).toEqual({ failures: 2, retryAt: 1600 });
    // the live unit is next at every slot until the dead one's retry time
    s.settle(2, 'answered', 610);
    expect(s.next()).toEqual({ index: 2, at: 800 });
    s.settle(2, 'answered', 805);
    expect(s.next()).toEqual({ index: 2, at: 1000 });
    const waits: number[] = [];
    let now = 1600;
    for (let i = 0; i < 8; i++) {
      s.settle(0, 'silent', now);
      const retryAt = s.unit(9)?.retryAt ?? 0;
      waits.push(retryAt - now);
      now = retryAt;
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    s.settle(1, 'answered', now);
    expect(s.unit(9)).toEqual({ failures: 0, retryAt: 0 });
  });
});
