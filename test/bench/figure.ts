import type { ApiClient } from '../support/client.ts';

/** One benchmark figure, printed as one JSON line by `npm run bench`. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  ratio?: number;
  note?: string;
  /** Readings published but not stored (the peer bench). */
  lost?: number;
  /** Peak RSS in MB of the side that receives (the peer bench). */
  rss_mb?: number;
};
export type Emit = (f: Figure) => void;
export type Bench = { name: string; run: (emit: Emit) => Promise<void> };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Publish → live-stream lag of one sensor whose values are unique: set `sentAt` (value →
 * `performance.now()`) when publishing; each value that arrives in a `reading` event pushes
 * its lag in ms to `lags`. `close()` ends the stream.
 */
export async function liveLag(api: ApiClient, sensor: string) {
  const sentAt = new Map<number, number>();
  const lags: number[] = [];
  const close = await api.live((e) => {
    if (e.event !== 'reading') return;
    const d = e.data as { sensor: string; value: number };
    const t = sentAt.get(d.value);
    if (d.sensor === sensor && t !== undefined) {
      lags.push(performance.now() - t);
      sentAt.delete(d.value);
    }
  });
  return { sentAt, lags, close };
}
