/**
 * @module sparkline — pure: the last hour of a sensor as SVG polyline segments for a tile. One
 * minute buckets from `GET /api/v1/series` (means), live readings appended; a silence longer than
 * the sensor's own threshold breaks the line (never drawn across, as on the chart).
 */
import type { SeriesResponse } from '@vigia/shared';
import { staleAfterMs } from './staleness.ts';

export const SPARK_WINDOW_MS = 3_600_000;
export type SparkPoint = { ts: number; value: number };

/** A break in the sparkline: the sensor's own silence, and never within the minute buckets. */
export function sparkGapMs(intervalMs: number | null | undefined): number {
  return Math.max(staleAfterMs(intervalMs), 1.5 * 60_000);
}

export function sparkPointsOf(resp: Pick<SeriesResponse, 'buckets'>): SparkPoint[] {
  return resp.buckets.map((b) => ({ ts: b.ts, value: b.mean }));
}

/** A live reading appended (older or repeated ones ignored), points before `now − 1 h` dropped. */
export function appendSpark(points: readonly SparkPoint[], ts: number, value: number, now: number): SparkPoint[] {
  const last = points.at(-1);
  const kept = points.filter((p) => p.ts >= now - SPARK_WINDOW_MS);
  if (last && ts <= last.ts) return kept.length === points.length ? (points as SparkPoint[]) : kept;
  return [...kept, { ts, value }];
}

/**
 * "x,y x,y …" segments over [now − 1 h, now] in a `width` × `height` box (y down, 1 px margin);
 * a gap longer than `gapMs` between two points starts a new segment. A lone point is a dot
 * (a segment of two equal points, drawn with round caps).
 */
export function sparkSegments(
  points: readonly SparkPoint[],
  now: number,
  width: number,
  height: number,
  gapMs: number,
): string[] {
  const shown = points.filter((p) => p.ts >= now - SPARK_WINDOW_MS && p.ts <= now);
  if (shown.length === 0) return [];
  let lo = Math.min(...shown.map((p) => p.value));
  let hi = Math.max(...shown.map((p) => p.value));
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const x = (ts: number) => (((ts - (now - SPARK_WINDOW_MS)) / SPARK_WINDOW_MS) * (width - 2) + 1).toFixed(1);
  const y = (v: number) => (height - 1 - ((v - lo) / (hi - lo)) * (height - 2)).toFixed(1);
  const segments: string[][] = [];
  let prev: SparkPoint | null = null;
  for (const p of shown) {
    if (!prev || p.ts - prev.ts > gapMs) segments.push([]);
    segments.at(-1)!.push(`${x(p.ts)},${y(p.value)}`);
    prev = p;
  }
  return segments.map((s) => (s.length === 1 ? `${s[0]} ${s[0]}` : s.join(' ')));
}
