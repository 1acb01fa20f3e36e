/**
 * @module decode/result
 * What every decoder returns (docs/design.md C4): a value, or a stable error code. Decoders never throw.
 */
export type DecodeErrorCode =
  | 'empty'
  | 'not_a_number'
  | 'no_match'
  | 'missing_column'
  | 'invalid_json'
  | 'missing_path'
  | 'too_large'
  | 'register_count'
  | 'not_a_register'
  | 'not_finite';

export type DecodeResult = { ok: true; value: number } | { ok: false; code: DecodeErrorCode };

export const decoded = (value: number): DecodeResult => ({ ok: true, value });
export const failed = (code: DecodeErrorCode): DecodeResult => ({ ok: false, code });

/** Longest line or payload a decoder looks at; anything longer is a framing fault, not data. */
export const MAX_TEXT_CHARS = 64 * 1024;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A plain decimal number ("7.1", "-0.5", "1e3"), surrounding blanks allowed. Rejects what
 * `Number()` would wrongly accept: "" (0), "0x10", "Infinity", "1_000".
 */
export function parseDecimal(text: string): DecodeResult {
  const t = text.trim();
  if (t === '') return failed('empty');
  if (t.length > 64 || !DECIMAL.test(t)) return failed('not_a_number');
  const value = Number(t);
  return Number.isFinite(value) ? decoded(value) : failed('not_a_number');
}
