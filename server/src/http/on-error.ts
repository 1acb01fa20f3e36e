/**
 * @module http/on-error
 * The one place an error becomes an HTTP answer (docs/design.md C8): VigiaError classes map to
 * their status and the shared ErrorBody; anything else is a logged 500 that shows no detail.
 */
import {
  ConfigError,
  type ErrorBody,
  InputError,
  ReadingConflictError,
  TransientError,
  VigiaError,
} from '@vigia/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RateLimitedError } from '../auth/rate-limit.ts';
import type { Telemetry } from '../telemetry.ts';

function statusOf(err: unknown): ContentfulStatusCode {
  if (err instanceof InputError) return err.status;
  if (err instanceof ConfigError) return 400;
  if (err instanceof TransientError) return 503;
  return 500;
}

export function errorHandler(telemetry: Telemetry) {
  return function onError(err: unknown, c: Context): Response {
    // Hono's own exceptions (e.g. a malformed cookie) become plain input errors.
    const e =
      err instanceof HTTPException && err.status < 500
        ? new InputError('bad_request', err.message || 'bad request', undefined, 400)
        : err;
    telemetry.report(e, 'http');
    const status = statusOf(e);
    const body: ErrorBody =
      e instanceof VigiaError && status < 500
        ? {
            error: {
              code: e.code,
              message: e.message,
              ...(e instanceof InputError && e.path && { path: e.path }),
              ...(e instanceof ReadingConflictError && { conflicts: e.conflicts }),
            },
          }
        : e instanceof TransientError
          ? { error: { code: e.code, message: `${e.message}; try again shortly` } }
          : { error: { code: 'internal', message: 'internal server error; the server log has the details' } };
    if (e instanceof RateLimitedError) c.header('Retry-After', String(e.retryAfterS));
    if (e instanceof TransientError) c.header('Retry-After', '5');
    return c.json(body, status);
  };
}

export function notFoundBody(path: string): ErrorBody {
  return { error: { code: 'not_found', message: `no API route ${path} (see docs/api.md)` } };
}
