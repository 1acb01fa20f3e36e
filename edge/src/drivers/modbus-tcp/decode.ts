/**
 * @module modbus-tcp/decode
 * Registers to a number by `type` and `word_order`: the same shared code as modbus-rtu and
 * `vigia-config probe` (`shared/src/decode/modbus-registers.ts`), so a register map reads the
 * same over RTU and TCP; re-exported here as the driver's `decode.ts` (docs/design.md C3).
 */
export { decodeRegisters, REGISTERS_PER_TYPE } from '@vigia/shared';
