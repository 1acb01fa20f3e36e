/**
 * @module decode/json-path
 * `json_path` decoding shared by the mqtt and serial-line drivers: a dotted path ("value",
 * "data.ch4", "values.0") into a JSON text, ending at a number, a numeric string or a boolean
 * (1/0, for on/off states). Pure; never throws.
 */
import { type DecodeResult, decoded, failed, MAX_TEXT_CHARS, parseDecimal } from './result.ts';

export function decodeJsonPath(text: string, path: string): DecodeResult {
  return decodeJsonPaths(text, [path])[0];
}

/**
 * The value at each of `paths` in one JSON text, parsed once: an MQTT node often publishes all
 * its sensors in one document, one `json_path` each.
 */
export function decodeJsonPaths(text: string, paths: readonly string[]): DecodeResult[] {
  const whole = (code: 'too_large' | 'empty' | 'invalid_json') => paths.map(() => failed(code));
  if (text.length > MAX_TEXT_CHARS) return whole('too_large');
  if (text.trim() === '') return whole('empty');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return whole('invalid_json');
  }
  return paths.map((path) => valueAt(root, path));
}

function valueAt(root: unknown, path: string): DecodeResult {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return failed('missing_path');
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'number') return Number.isFinite(node) ? decoded(node) : failed('not_a_number');
  if (typeof node === 'boolean') return decoded(node ? 1 : 0);
  if (typeof node === 'string') return parseDecimal(node);
  return failed('not_a_number');
}
