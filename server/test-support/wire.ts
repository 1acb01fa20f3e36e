/**
 * @module test-support/wire — route tests read answers through the shared wire schemas, so a
 * server answer that drifts from what the dashboard parses fails a test here, not a page.
 */
import type { WireSchema } from '@vigia/shared';
import { expect } from 'vitest';

/**
 * `body` parsed with `schema`, after checking it holds nothing the schema does not name either
 * (zod drops unknown keys: a parse equal to the body means none was dropped, at any depth).
 */
export function wire<T>(schema: WireSchema<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? [], 'the answer fits its wire schema').toEqual([]);
  expect(parsed.data, 'the answer has no field its wire schema does not name').toEqual(body);
  return parsed.data as T;
}
