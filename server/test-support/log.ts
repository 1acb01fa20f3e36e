/**
 * @module test-support/log
 * A pino logger whose lines are kept as text, for tests that check what is (never) logged.
 * Test support only (imported by *.test.ts).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A debug-level logger and the text it has written so far. */
export function capturedLog() {
  let text = '';
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        text += chunk;
        done();
      },
    }),
  );
  return { log, text: () => text };
}
