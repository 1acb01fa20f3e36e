/**
 * @module modbus-rtu/decode
 * Registers to a number by `type` and `word_order`, and back. The pure code lives in shared
 * (`shared/src/decode/modbus-registers.ts`) so that `vigia-config probe` decodes exactly as this
 * driver does; re-exported here as the driver's `decode.ts` (docs/design.md C3).
 */
export {
  decodeRegisters,
  encodeRegisters,
  REGISTERS_PER_TYPE,
  type RegisterType,
  type WordOrder,
} from '@vigia/shared';
