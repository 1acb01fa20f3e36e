import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, tileState } from './staleness.ts';

describe('tileState', () => {
  const now = 1_764_000_000_000;
  it('is never when no reading ever arrived', () => {
    expect(tileState(null, now)).toBe('never');
    expect(tileState(undefined, now)).toBe('never');
  });

  it('is ok up to 30 s after the last reading, stale after', () => {
    expect(STALE_AFTER_MS).toBe(30_000);
    expect(tileState(now, now)).toBe('ok');
    expect(tileState(now - 30_000, now)).toBe('ok');
    expect(tileState(now - 30_001, now)).toBe('stale');
  });

  it('treats a reading from the future (clock skew) as live', () => {
    expect(tileState(now + 5000, now)).toBe('ok');
  });
});
