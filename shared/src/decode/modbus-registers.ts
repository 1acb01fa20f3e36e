/**
 * @module decode/modbus-registers
 * Registers (16-bit words, as a read reply carries them) to a number, by `type` and
 * `word_order`. Pure and total: any input gives a value or a decode error code, never a throw.
 * `encodeRegisters` is the inverse (test slaves, round-trip tests).
 *
 * 32-bit types take two registers. `big` = high word first (the Modbus convention for bytes,
 * applied to words); `little` = low word first, the "word swap" many meters use. Bytes inside
 * a register are always big-endian on the wire.
 */
import type { ModbusRtuSource } from '../config/sources/modbus-rtu.ts';
import { type DecodeResult, decoded, failed } from './result.ts';

export type RegisterType = ModbusRtuSource['type'];
export type WordOrder = ModbusRtuSource['word_order'];

/** How many 16-bit registers a value of each type occupies. */
export const REGISTERS_PER_TYPE: Readonly<Record<RegisterType, 1 | 2>> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
};

const isRegister = (r: unknown): r is number => Number.isInteger(r) && (r as number) >= 0 && (r as number) <= 0xffff;

/**
 * @example
 * decodeRegisters([0x4148, 0x0000], 'float32', 'big'); // { ok: true, value: 12.5 }
 * decodeRegisters([0x0000, 0x4148], 'float32', 'little'); // { ok: true, value: 12.5 }
 */
export function decodeRegisters(registers: ArrayLike<number>, type: RegisterType, wordOrder: WordOrder): DecodeResult {
  const count = REGISTERS_PER_TYPE[type];
  if (count === undefined || registers.length !== count) return failed('register_count');
  for (let i = 0; i < count; i++) if (!isRegister(registers[i])) return failed('not_a_register');
  const view = new DataView(new ArrayBuffer(4));
  if (count === 1) {
    view.setUint16(0, registers[0]);
    return decoded(type === 'int16' ? view.getInt16(0) : view.getUint16(0));
  }
  const little = wordOrder === 'little';
  view.setUint16(0, registers[little ? 1 : 0]);
  view.setUint16(2, registers[little ? 0 : 1]);
  if (type === 'int32') return decoded(view.getInt32(0));
  if (type === 'uint32') return decoded(view.getUint32(0));
  const value = view.getFloat32(0);
  // NaN is how many meters say "no measurement"; it must not become a reading.
  return Number.isFinite(value) ? decoded(value) : failed('not_finite');
}

/** The registers a device holding `value` as `type` sends (integers wrap like a C cast). */
export function encodeRegisters(value: number, type: RegisterType, wordOrder: WordOrder): number[] {
  const view = new DataView(new ArrayBuffer(4));
  if (REGISTERS_PER_TYPE[type] === 1) {
    if (type === 'int16') view.setInt16(0, value);
    else view.setUint16(0, value);
    return [view.getUint16(0)];
  }
  if (type === 'int32') view.setInt32(0, value);
  else if (type === 'uint32') view.setUint32(0, value);
  else view.setFloat32(0, value);
  const words = [view.getUint16(0), view.getUint16(2)];
  return wordOrder === 'little' ? words.reverse() : words;
}
