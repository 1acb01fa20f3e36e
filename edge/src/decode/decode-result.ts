/**
 * @module decode-result
 * What every decoder returns (STYLE.md C4). The code lives in shared (`shared/src/decode/`), so
 * the agent and `vigia-config probe` decode the same way; re-exported here for the drivers.
 */
export { type DecodeErrorCode, type DecodeResult, decoded, failed, MAX_TEXT_CHARS, parseDecimal } from '@vigia/shared';
