/**
 * @module mqtt/decode
 * One MQTT payload to a value: a plain number ("21.5"), or with `json_path` a number inside a
 * JSON document. Pure; never throws; bad payloads become a decode error code.
 */
import { type DecodeResult, decodeJsonPaths, failed, MAX_TEXT_CHARS, parseDecimal } from '@vigia/shared';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodePayload(payload: Uint8Array, jsonPath: string | undefined): DecodeResult {
  return decodePayloadFor(payload, [jsonPath])[0];
}

/**
 * One payload to the value of each sensor on its topic (`jsonPaths[i]`: sensor i's json_path,
 * undefined for a plain number). The text is decoded, and the JSON parsed, once per message.
 */
export function decodePayloadFor(payload: Uint8Array, jsonPaths: readonly (string | undefined)[]): DecodeResult[] {
  if (payload.byteLength > MAX_TEXT_CHARS) return jsonPaths.map(() => failed('too_large'));
  const text = utf8.decode(payload);
  const paths = jsonPaths.filter((p): p is string => p !== undefined);
  const values = paths.length > 0 ? decodeJsonPaths(text, paths) : [];
  let next = 0;
  return jsonPaths.map((p) => (p === undefined ? parseDecimal(text) : values[next++]));
}
