import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesWindow } from './series.ts';

describe('seriesWindow', () => {
  it('keeps narrow buckets at from exactly', () => {
    expect(seriesWindow(1_764_000_000_123, 1_764_000_600_123, 1000)).toEqual({
      from: 1_764_000_000_123,
      bucketMs: 1000,
    });
  });

  it('aligns minute-wide buckets on a UTC minute and hour-wide ones on a UTC hour', () => {
    // 30 days in 1000 buckets: 2,592 s -> 44 whole minutes, from the minute at or before from.
    const from = Date.UTC(2026, 10, 1, 10, 17, 42, 500);
    const to = from + 30 * 86_400_000;
    expect(seriesWindow(from, to, 1000)).toEqual({ from: Date.UTC(2026, 10, 1, 10, 17), bucketMs: 44 * 60_000 });
    // A year in 1000 buckets: 31,536 s -> 9 whole hours, from the hour at or before from.
    const year = seriesWindow(from, from + 365 * 86_400_000, 1000);
    expect(year).toEqual({ from: Date.UTC(2026, 10, 1, 10), bucketMs: 9 * 3_600_000 });
  });

  it('never answers more than points buckets, and covers [from, to) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 946_684_800_000, max: 4_000_000_000_000 }),
        fc.integer({ min: 1, max: 400 * 86_400_000 }),
        fc.integer({ min: 1, max: 5000 }),
        (from, span, points) => {
          const to = from + span;
          const w = seriesWindow(from, to, points);
          expect(w.from).toBeLessThanOrEqual(from);
          expect(from - w.from).toBeLessThan(3_600_000);
          expect(Math.ceil((to - w.from) / w.bucketMs)).toBeLessThanOrEqual(points);
          if (w.bucketMs >= 60_000) expect(w.bucketMs % 60_000).toBe(0);
        },
      ),
    );
  });
});
