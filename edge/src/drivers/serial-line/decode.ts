/**
 * @module serial-line/decode
 * Finds a sensor's value in one ASCII line (`pattern`, `csv_column` or `json_path`). The pure
 * decoder lives in shared (`shared/src/decode/line.ts`) so that `vigia-config probe` shows
 * exactly what this driver will read; re-exported here as the driver's `decode.ts` (docs/design.md C3).
 */
export { type LineDecoder, lineDecoder } from '@vigia/shared';
