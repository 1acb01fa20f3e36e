/**
 * @module wire — the JSON answers of the server's API as zod schemas, one definition each: the
 * server types what it sends with them (`z.infer`) and its route tests parse with them; the
 * dashboard parses what it receives with them (api.ts), so a drift fails a test, not a page.
 */
import type { z } from 'zod';
import { formatIssuesText } from '../format-issues.ts';

export * from './compliance.ts';
export * from './devices.ts';
export * from './notifications.ts';
export * from './permits.ts';
export * from './sensors.ts';
export * from './users.ts';

/** A wire schema that parses to `T` (so parts without zod of their own can name one). */
export type WireSchema<T> = z.ZodType<T>;

export type WireResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * `body` parsed with `schema`, or what does not fit in words (`breaches[0].duration_ms: expected
 * number, received undefined`), so a caller can say so instead of failing further on.
 */
export function parseWire<T>(schema: WireSchema<T>, body: unknown): WireResult<T> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: formatIssuesText(parsed.error) };
}
