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
/** `next`: the first reading at or after the slice's end, null when none; absent when unknown. */
type Read = (from: number, to: number) => Promise<Chunk & { next?: number | null }>;

/** Rows a chunk aims at: a few ms of work for the fold, and a few hundred kB of columns. */
export const TARGET_ROWS = 20_000;
const FIRST_SLICE_MS = 3_600_000;
const MIN_SLICE_MS = 60_000;
const MAX_SLICE_MS = 31 * 86_400_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function reader(store: Store, sensor: string): Read {
  const columns = store.readingColumns.bind(store);
  return (from, to) => columns(sensor, from, to);
}

/** The good readings of `sensor` in [from, to), chunk by chunk. */
export async function* readingChunks(store: Store, sensor: string, from: number, to: number): AsyncGenerator<Chunk> {
  const read = reader(store, sensor);
  let slice = FIRST_SLICE_MS;
  for (let at = from; at < to; ) {
    const end = Math.min(to, at + slice);
    const chunk = await read(at, end);
    if (chunk.ts.length > 0) yield chunk;
    // Aim the next slice at TARGET_ROWS from this one's density.
    const rows = chunk.ts.length;
    slice =
      rows === 0
        ? Math.min(MAX_SLICE_MS, slice * 4)
        : Math.max(MIN_SLICE_MS, Math.min(MAX_SLICE_MS, Math.floor(((end - at) * TARGET_ROWS) / rows)));
    if (chunk.next === null) break;
    at = chunk.next !== undefined && chunk.next > end ? Math.min(to, chunk.next) : end;
    await yieldToLoop();
  }
}
