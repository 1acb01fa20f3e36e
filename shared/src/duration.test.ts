import { describe, expect, it } from 'vitest';
import { Duration, parseDurationMs } from './duration.ts';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['15m', 900_000],
    ['8h', 28_800_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
    expect(Duration.parse(text)).toBe(ms);
  });

  it.each(['', '5', 's', '1 week', '-1s', '1S', '0s'])('rejects %j with a message that shows the form', (text) => {
    const r = Duration.safeParse(text);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].message).toMatch(/not a duration.*e\.g\. 500ms/);
  });
});
