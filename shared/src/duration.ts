/**
 * @module duration
 * Durations in config and permits are strings ("500ms", "1s", "15m", "8h", "1d");
 * one parser turns them into milliseconds so no part invents its own.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds for a duration string, or `undefined` when it is malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** A duration string such as "1s" or "15m", parsed to milliseconds. */
export const Duration = z
  .string()
  .transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration: write a number and a unit, e.g. 500ms, 1s, 15m, 8h, 1d`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .describe('duration such as "1s", "15m", "8h"');
