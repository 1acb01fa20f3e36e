/**
 * `source:` block of a sensor that prints ASCII lines on a serial port. Exactly one way to
 * find the value in a line: `pattern` (regex with a named group `value`), `csv_column`
 * (0-based column), or `json_path` (dotted path in a JSON line).
 * A `pattern` that can backtrack catastrophically (nested quantifiers such as `(\d+)+`) is
 * refused here, before the agent runs it on every line: a line crafted for it would stop the
 * agent's only thread. The check is safe-regex2's (star height), not our own.
 * Lines are capped at `max_line` bytes: a longer one is counted and dropped by the driver.
 */
import safeRegex from 'safe-regex2';
import { z } from 'zod';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const SerialLineSource = z
  .object({
    driver: z.literal('serial-line'),
    port: z.string().min(1).describe('serial device, e.g. /dev/ttyUSB1'),
    baud: z.number().int().positive().default(9600),
    pattern: z
      .string()
      .refine(compiles, 'not a valid regular expression')
      .refine((p) => p.includes('(?<value>'), 'the pattern needs a named group (?<value>...) around the number')
      .refine(
        (p) => !compiles(p) || safeRegex(p),
        'this pattern can take exponential time on some lines (a repeated group inside a repetition, e.g. (\\d+)+): remove the outer repetition, e.g. (?<value>\\d+) instead of (?<value>(\\d+)+)',
      )
      .optional(),
    max_line: z
      .number()
      .int()
      .min(16)
      .max(65536)
      .default(512)
      .describe(
        'longest line accepted, in bytes (a trailing \\r counts); a longer line is counted (line_too_long) and dropped',
      ),
    csv_column: z.number().int().min(0).optional(),
    csv_separator: z.string().min(1).max(1).default(','),
    json_path: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => [s.pattern, s.csv_column, s.json_path].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of pattern, csv_column or json_path to say where the value is in each line',
    path: ['pattern'],
  });
export type SerialLineSource = z.infer<typeof SerialLineSource>;
