/**
 * @module decode/json-path
 * `json_path` decoding shared by the mqtt and serial-line drivers: a dotted path ("value",
 * "data.ch4", "values.0") into a JSON text, ending at a number, a numeric string or a boolean
 * (1/0, for on/off states). Pure; never throws.
 */
import { type DecodeResult, decoded, failed, MAX_TEXT_CHARS, parseDecimal } from './result.ts';

export function decodeJsonPath(text: string, path: string): DecodeResult {
  if (text.length > MAX_TEXT_CHARS) return failed('too_large');
  if (text.trim() === '') return failed('empty');
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch {
    return failed('invalid_json');
  }
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return failed('missing_path');
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'number') return Number.isFinite(node) ? decoded(node) : failed('not_a_number');
  if (typeof node === 'boolean') return decoded(node ? 1 : 0);
  if (typeof node === 'string') return parseDecimal(node);
  return failed('not_a_number');
}
