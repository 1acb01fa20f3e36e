/**
 * @module format-issues
 * Turns a zod failure into the messages docs/design.md C2 asks for: the file, the path in it, and
 * what to do. Used by `vigia-edge`, `vigia-server`, `vigia-config validate` and the API.
 */
import type { z } from 'zod';

/** `sensors[2].source.baud` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove or correct ${issue.keys.length > 1 ? 'them' : 'it'} (check the spelling)`;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input')
        ? `${issue.message.replace(/^Invalid input: /, '')}`
        : issue.message;
    case 'invalid_value':
      return `${issue.message.replace(/^Invalid option: /, '')}`;
    default:
      return issue.message;
  }
}

export type FormattedIssue = { path: string; message: string };

/** One entry per issue, with a dotted path and a message that says what to do. */
export function formatIssues(error: z.ZodError): FormattedIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) }));
}

/** A single block of text: `file: path: message`, one line per issue. */
export function formatIssuesText(error: z.ZodError, file?: string): string {
  return formatIssues(error)
    .map(({ path, message }) => [file, path || '(top level)', message].filter(Boolean).join(': '))
    .join('\n');
}
