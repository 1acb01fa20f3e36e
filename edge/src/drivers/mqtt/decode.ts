/**
 * @module mqtt/decode
 * One MQTT payload to a value: a plain number ("21.5"), or with `json_path` a number inside a
 * JSON document. Pure; never throws; bad payloads become a decode error code.
 */
import { type DecodeResult, failed, MAX_TEXT_CHARS, parseDecimal } from '../../decode/decode-result.ts';
import { decodeJsonPath } from '../../decode/json-path.ts';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodePayload(payload: Uint8Array, jsonPath: string | undefined): DecodeResult {
  if (payload.byteLength > MAX_TEXT_CHARS) return failed('too_large');
  const text = utf8.decode(payload);
  return jsonPath === undefined ? parseDecimal(text) : decodeJsonPath(text, jsonPath);
}
