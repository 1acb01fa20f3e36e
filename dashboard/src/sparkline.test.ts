import { describe, expect, it } from 'vitest';
import { appendSpark, SPARK_WINDOW_MS, sparkSegments } from './sparkline.ts';

const NOW = 1_764_000_000_000;

describe('sparkSegments', () => {
  it('spans the last hour left to right, low values at the bottom', () => {
    const points = [
      { ts: NOW - SPARK_WINDOW_MS, value: 0 },
      { ts: NOW, value: 10 },
    ];
    expect(sparkSegments(points, NOW, 102, 22, 2 * SPARK_WINDOW_MS)).toEqual(['1.0,21.0 101.0,1.0']);
  });

  it('breaks the line at a silence longer than the gap, and draws a lone point as a dot', () => {
    const points = [
      { ts: NOW - 50 * 60_000, value: 1 },
      { ts: NOW - 49 * 60_000, value: 2 },
      { ts: NOW - 10 * 60_000, value: 3 },
    ];
    const segs = sparkSegments(points, NOW, 100, 20, 120_000);
    expect(segs).toHaveLength(2);
    const [x, y] = segs[1]!.split(' ');
    expect(x).toBe(y);
  });

  it('draws nothing without data in the hour', () => {
    expect(sparkSegments([{ ts: NOW - 2 * SPARK_WINDOW_MS, value: 1 }], NOW, 100, 20, 60_000)).toEqual([]);
  });
});

describe('appendSpark', () => {
  it('appends newer readings, ignores repeats, and drops what left the hour', () => {
    const start = [
      { ts: NOW - SPARK_WINDOW_MS - 1, value: 1 },
      { ts: NOW - 1000, value: 2 },
    ];
    expect(appendSpark(start, NOW - 1000, 2, NOW)).toEqual([{ ts: NOW - 1000, value: 2 }]);
    expect(appendSpark(start, NOW, 3, NOW)).toEqual([
      { ts: NOW - 1000, value: 2 },
      { ts: NOW, value: 3 },
    ]);
  });
});
