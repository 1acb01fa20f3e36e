/**
 * @module buffer/types
 * The shapes the buffer and its memory stage (staging.ts) both speak, apart from either so
 * neither imports the other's module for a type.
 */
import type { Reading } from '@vigia/shared';

/**
 * A reading to store. `ts: null` holds it (clock not trusted): it keeps its boot id and
 * monotonic ms and is not sent until `correct` gives it a time.
 */
export type BufferInput = Omit<Reading, 'ts'> & { ts: number | null; boot?: string; mono?: number };

/** How many readings of an `append` were new, and how many repeated a stored (sensor, ts). */
export type AppendResult = { inserted: number; duplicates: number };
