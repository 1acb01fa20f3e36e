/**
 * @module probe/bytes
 * How `probe` shows raw serial bytes to a person: printable ASCII as is, everything else
 * escaped (`\r`, `\t`, `\xNN`), and a guess whether the bytes are garbage (the usual sign of a
 * wrong baud rate). Pure.
 */

/** `PH=7.1\r` → `PH=7.1\r` (escaped, so a carriage return or a 0xFF byte can be seen). */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Bytes that a sensor printing text would not send (control bytes other than CR/LF/TAB, and bytes ≥ 0x7F). */
export const isNonPrintable = (b: number): boolean => (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) || b >= 0x7f;

/** Least bytes seen before guessing, and the share of non-printable bytes that means "garbage". */
const GARBAGE_MIN_BYTES = 16;
const GARBAGE_SHARE = 0.2;

/** True when enough bytes arrived and many of them are not text: most likely a wrong baud rate. */
export function looksGarbled(total: number, nonPrintable: number): boolean {
  return total >= GARBAGE_MIN_BYTES && nonPrintable / total >= GARBAGE_SHARE;
}

/** Common baud rates to try, the current one left out. */
export function otherBauds(current: number): number[] {
  return [9600, 19200, 38400, 115200, 4800].filter((b) => b !== current).slice(0, 3);
}

/** Splits a growing byte buffer into complete lines (without the `\n`; a `\r` before it is kept, to be seen) and the rest. */
export function takeLines(buf: Uint8Array): { lines: Uint8Array[]; rest: Uint8Array } {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    lines.push(buf.subarray(start, i));
    start = i + 1;
  }
  return { lines, rest: buf.subarray(start) };
}
