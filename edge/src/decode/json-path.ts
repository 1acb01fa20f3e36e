/**
 * @module json-path
 * `json_path` decoding shared by the mqtt and serial-line drivers; the code lives in shared
 * (`shared/src/decode/json-path.ts`), so `vigia-config probe` reads JSON lines the same way.
 */
export { decodeJsonPath, decodeJsonPaths } from '@vigia/shared';
