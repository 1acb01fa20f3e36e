/**
 * @module errors
 * The few error classes of Vigía (docs/design.md C8). Add a class only when the program must
 * behave differently for it; otherwise add a `code`. Messages say what to do next.
 */
import { z } from 'zod';

export type Stage = 'receive' | 'process' | 'send';

export class VigiaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad config: names the file, the path in it and the fix. Fatal at startup. */
export class ConfigError extends VigiaError {
  constructor(
    message: string,
    readonly file?: string,
    readonly path?: string,
  ) {
    super('config_invalid', message);
  }
}

/** Malformed request, bad frame, unknown sensor: never retried; a 4xx at the API. */
export class InputError extends VigiaError {
  constructor(
    code: string,
    message: string,
    readonly path?: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 = 400,
  ) {
    super(code, message);
  }
}

/** Device silent, network down, database busy: retried with backoff. */
export class TransientError extends VigiaError {
  constructor(code: string, message: string, options?: { cause?: unknown; stage?: Stage }) {
    super(code, message, options);
    this.stage = options?.stage;
  }
  readonly stage?: Stage;
}

/** A component cannot continue: stops that component, not the process. */
export class FatalError extends VigiaError {}

/** One reading of a batch that differs from the stored reading of its (sensor, ts). */
export const ReadingConflict = z.object({
  /** Its index in the batch's `readings`. */
  index: z.number().int().min(0),
  sensor: z.string(),
  ts: z.number(),
  stored: z.object({ value: z.number(), q: z.string() }),
  sent: z.object({ value: z.number(), q: z.string() }),
});
export type ReadingConflict = z.infer<typeof ReadingConflict>;

/** At most this many conflicts are listed in one answer; the message gives the total. */
export const MAX_LISTED_CONFLICTS = 1000;

/**
 * A batch would replace stored readings with different values and does not mark them as
 * corrections: 409 `reading_conflict`, nothing of the batch stored. Its own class because the
 * answer lists the readings (`conflicts`) and the edge sets exactly those aside.
 */
export class ReadingConflictError extends InputError {
  readonly conflicts: ReadingConflict[];
  constructor(conflicts: readonly ReadingConflict[]) {
    const [first] = conflicts;
    const more = conflicts.length > 1 ? ` and ${conflicts.length - 1} more` : '';
    super(
      'reading_conflict',
      `readings[${first.index}] (${first.sensor} at ${new Date(first.ts).toISOString()}) is ${first.sent.value} ` +
        `(${first.sent.q}) but ${first.stored.value} (${first.stored.q}) is stored${more}: a stored reading is never ` +
        'replaced silently; nothing of this batch was stored. To correct a stored reading, send it with ' +
        '"correction": true and a "reason"',
      `readings[${first.index}]`,
      409,
    );
    this.conflicts = conflicts.slice(0, MAX_LISTED_CONFLICTS);
  }
}

/** The body of every API error response (`conflicts` only with `reading_conflict`). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    path: z.string().optional(),
    conflicts: z.array(ReadingConflict).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
