import { describe, expect, it } from 'vitest';
import { rangeWithLimits } from './limit-lines.ts';

describe('limit-lines y range', () => {
  it('widens the data range so every limit is in view', () => {
    const [lo, hi] = rangeWithLimits(7, 7.5, [6, 9]);
    expect(lo!).toBeLessThanOrEqual(6);
    expect(hi!).toBeGreaterThanOrEqual(9);
  });

  it('keeps the data range when the limits are inside it, and uses limits alone with no data', () => {
    const [lo, hi] = rangeWithLimits(0, 100, [25]);
    expect(lo!).toBeLessThanOrEqual(0);
    expect(hi!).toBeGreaterThanOrEqual(100);
    const [l2, h2] = rangeWithLimits(null, null, [6, 9]);
    expect(l2!).toBeLessThanOrEqual(6);
    expect(h2!).toBeGreaterThanOrEqual(9);
    expect(rangeWithLimits(null, null, [])).toEqual([null, null]);
  });
});
