/**
 * @module decode/line
 * Finds a sensor's value in one ASCII line: `pattern` (regex with a named group `value`),
 * `csv_column` (+ `csv_separator`) or `json_path`. Pure: build once per sensor, call per line (the edge's serial-line driver, `vigia-config probe`).
 * Never throws; a line without the value is a counted decode error.
 */
import type { SerialLineSource } from '../config/sources/serial-line.ts';
import { decodeJsonPath } from './json-path.ts';
import { type DecodeResult, failed, MAX_TEXT_CHARS, parseDecimal } from './result.ts';

export type LineDecoder = (line: string) => DecodeResult;

export function lineDecoder(source: SerialLineSource): LineDecoder {
  if (source.pattern !== undefined) {
    const re = new RegExp(source.pattern);
    return (line) => {
      if (line.length > MAX_TEXT_CHARS) return failed('too_large');
      const text = re.exec(line)?.groups?.value;
      return text === undefined ? failed('no_match') : parseDecimal(text);
    };
  }
  if (source.csv_column !== undefined) {
    const column = source.csv_column;
    const separator = source.csv_separator;
    return (line) => {
      if (line.length > MAX_TEXT_CHARS) return failed('too_large');
      const cells = line.split(separator);
      return column < cells.length ? parseDecimal(cells[column]) : failed('missing_column');
    };
  }
  const path = source.json_path ?? 'value';
  return (line) => decodeJsonPath(line, path);
}
