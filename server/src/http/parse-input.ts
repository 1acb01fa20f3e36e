/**
 * @module http/parse-input
 * Validate input with a shared zod schema; on failure throw one InputError naming the
 * first bad field (`readings[3].ts`) with a message a person can act on.
 */
import { formatIssues, InputError } from '@vigia/shared';
import type { z } from 'zod';

/** Parse JSON text; 400 `invalid_json` with the parser's complaint. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`, undefined, 400);
  }
}

/** `schema.parse(value)`, or an InputError (`code`, `status`) for the first issue. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: string,
  status: 400 | 422,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [first] = formatIssues(result.error);
  const where = first.path || '(top level)';
  throw new InputError(code, `${where}: ${first.message}`, first.path || undefined, status);
}
