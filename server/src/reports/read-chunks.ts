/**
 * @module reports/read-chunks
 * The good readings of one sensor over a report's range, in chunks of bounded size, oldest
 * first, so a report never holds a sensor's whole period in memory and never holds the event
 * loop for long: each chunk is one store read (the SQLite store serves long reads on its reader
 * threads), and the loop yields between chunks so `/health`, ingest and the live stream are
 * served while a year is read. The slice adapts to the sensor's density (TARGET_ROWS a chunk),
 * and an empty slice's `next` jumps over a gap.
 */
import type { Store } from '../storage/store.ts';

export type Chunk = { ts: ArrayLike<number>; value: ArrayLike<number> };

/** Rows a chunk aims at: a few ms of work for the fold, and a few hundred kB of columns. */
export const TARGET_ROWS = 20_000;
const FIRST_SLICE_MS = 3_600_000;
const MIN_SLICE_MS = 60_000;
const MAX_SLICE_MS = 31 * 86_400_000;

/** Let the event loop serve others (health, ingest, the live stream) between long reads. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The next slice, aimed at `targetRows` from the density of the one just read ([at, end) held
 * `rows`): an empty slice quadruples, never beyond 31 days nor below `minMs`.
 */
export function aimSlice(slice: number, at: number, end: number, rows: number, targetRows: number, minMs: number) {
  return rows === 0
    ? Math.min(MAX_SLICE_MS, slice * 4)
    : Math.max(minMs, Math.min(MAX_SLICE_MS, Math.floor(((end - at) * targetRows) / rows)));
}

/** The good readings of `sensor` in [from, to), chunk by chunk. */
export async function* readingChunks(store: Store, sensor: string, from: number, to: number): AsyncGenerator<Chunk> {
  let slice = FIRST_SLICE_MS;
  for (let at = from; at < to; ) {
    const end = Math.min(to, at + slice);
    const chunk = await store.readingColumns(sensor, at, end);
    if (chunk.ts.length > 0) yield chunk;
    slice = aimSlice(slice, at, end, chunk.ts.length, TARGET_ROWS, MIN_SLICE_MS);
    // `next`: the first reading at or after the slice's end, so an empty stretch is jumped.
    if (chunk.next === null) break;
    at = chunk.next > end ? Math.min(to, chunk.next) : end;
    await yieldToLoop();
  }
}
