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

/** The body of every API error response. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), path: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
