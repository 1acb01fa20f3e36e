import { describe, expect, it } from 'vitest';
import { appendReading, bucketsToColumns, emptyColumns, trimBefore } from './buckets.ts';

const b = (ts: number, mean: number) => ({ ts, min: mean - 1, mean, max: mean + 1, n: 3 });

describe('bucketsToColumns', () => {
  it('does not break the line between two readings of a slow sensor (its own silence threshold)', () => {
    const resp = { bucket_ms: 3000, buckets: [b(0, 5), b(30_000, 6), b(200_000, 7)] };
    expect(bucketsToColumns(resp, 70_000)[0]).toEqual([0, 30_000, 33_000, 200_000]);
    expect(bucketsToColumns(resp)[0]).toEqual([0, 3000, 30_000, 33_000, 200_000]);
  });

  it('turns buckets into x/min/mean/max columns', () => {
    const cols = bucketsToColumns({ bucket_ms: 1000, buckets: [b(0, 5), b(1000, 6)] });
    expect(cols).toEqual([
      [0, 1000],
      [4, 5],
      [5, 6],
      [6, 7],
    ]);
  });

  it('inserts a null row where buckets are more than 1.5 × bucket_ms apart', () => {
    const cols = bucketsToColumns({ bucket_ms: 1000, buckets: [b(0, 5), b(1000, 6), b(5000, 7)] });
    expect(cols[0]).toEqual([0, 1000, 2000, 5000]);
    expect(cols[1]).toEqual([4, 5, null, 6]);
    expect(cols[2]).toEqual([5, 6, null, 7]);
    expect(cols[3]).toEqual([6, 7, null, 8]);
  });

  it('does not break the line at exactly 1.5 × bucket_ms', () => {
    const cols = bucketsToColumns({ bucket_ms: 1000, buckets: [b(0, 5), b(1500, 6), b(3001, 7)] });
    expect(cols[2]).toEqual([5, 6, null, 7]);
  });

  it('never interpolates: every non-null value is one the server sent', () => {
    const buckets = [b(0, 1), b(10_000, 2), b(11_000, 3), b(40_000, 4)];
    const cols = bucketsToColumns({ bucket_ms: 1000, buckets });
    const means = cols[2].filter((v) => v !== null);
    expect(means).toEqual([1, 2, 3, 4]);
    expect(cols[2].filter((v) => v === null)).toHaveLength(2);
  });

  it('gives empty columns for no buckets, and orders unordered buckets', () => {
    expect(bucketsToColumns({ bucket_ms: 1000, buckets: [] })).toEqual(emptyColumns());
    expect(bucketsToColumns({ bucket_ms: 1000, buckets: [b(1000, 6), b(0, 5)] })[0]).toEqual([0, 1000]);
  });
});

describe('appendReading', () => {
  const base = bucketsToColumns({ bucket_ms: 1000, buckets: [b(0, 5), b(1000, 6)] });

  it('appends a live value as min = mean = max, without touching the input', () => {
    const next = appendReading(base, 2000, 6.5, 30_000);
    expect(next[0]).toEqual([0, 1000, 2000]);
    expect(next[2]).toEqual([5, 6, 6.5]);
    expect(next[1].at(-1)).toBe(6.5);
    expect(next[3].at(-1)).toBe(6.5);
    expect(base[0]).toEqual([0, 1000]);
  });

  it('ignores a value not newer than the last point (the stream repeats the latest on connect)', () => {
    expect(appendReading(base, 1000, 9, 30_000)).toBe(base);
    expect(appendReading(base, 500, 9, 30_000)).toBe(base);
  });

  it('breaks the line after a silence longer than gapMs', () => {
    const next = appendReading(base, 60_000, 7, 30_000);
    expect(next[0]).toEqual([0, 1000, 1001, 60_000]);
    expect(next[2]).toEqual([5, 6, null, 7]);
  });
});

describe('trimBefore', () => {
  it('drops points before the window start', () => {
    const cols = bucketsToColumns({ bucket_ms: 1000, buckets: [b(0, 5), b(1000, 6), b(2000, 7)] });
    expect(trimBefore(cols, 1000)[0]).toEqual([1000, 2000]);
    expect(trimBefore(cols, 0)).toBe(cols);
    expect(trimBefore(cols, 5000)).toEqual(emptyColumns());
  });
});
