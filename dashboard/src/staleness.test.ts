import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, staleAfterMs, tileState } from './staleness.ts';

const T = 1_764_000_000_000;

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

describe('staleAfterMs: per sensor, from its typical interval', () => {
  it('keeps a 60 s sensor live between readings and greys it after two missed ones', () => {
    expect(staleAfterMs(60_000)).toBe(130_000);
    expect(tileState(T, T + 90_000, staleAfterMs(60_000))).toBe('ok');
    expect(tileState(T, T + 131_000, staleAfterMs(60_000))).toBe('stale');
  });
  it('never goes below the fixed default (fast or unknown sensors)', () => {
    expect(staleAfterMs(1000)).toBe(STALE_AFTER_MS);
    expect(staleAfterMs(null)).toBe(STALE_AFTER_MS);
    expect(staleAfterMs(undefined)).toBe(STALE_AFTER_MS);
    expect(staleAfterMs(0)).toBe(STALE_AFTER_MS);
  });
});
