import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeBytes, looksGarbled, otherBauds, takeLines } from './bytes.ts';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('probe bytes', () => {
  it('escapes what cannot be seen, and the backslash itself', () => {
    expect(escapeBytes(bytes('PH=7.1\r\t\\'))).toBe('PH=7.1\\r\\t\\\\');
    expect(escapeBytes(Uint8Array.from([0x00, 0xff, 0x41]))).toBe('\\x00\\xffA');
  });

  it('escaped text is printable ASCII only (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => /^[\x20-\x7e]*$/.test(escapeBytes(b))));
  });

  it('splits lines at \\n, keeps \\r to be seen, and returns the unfinished rest', () => {
    const { lines, rest } = takeLines(bytes('a\r\nb\n\nc'));
    expect(lines.map((l) => escapeBytes(l))).toEqual(['a\\r', 'b', '']);
    expect(escapeBytes(rest)).toBe('c');
  });

  it('guesses garbage only with enough bytes and many non-text ones', () => {
    expect(looksGarbled(10, 10)).toBe(false);
    expect(looksGarbled(100, 5)).toBe(false);
    expect(looksGarbled(100, 40)).toBe(true);
    expect(otherBauds(9600)).toEqual([19200, 38400, 115200]);
    expect(otherBauds(19200)).toEqual([9600, 38400, 115200]);
  });
});
