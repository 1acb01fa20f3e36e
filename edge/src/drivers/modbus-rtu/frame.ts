/**
 * @module modbus-rtu/frame
 * The Modbus RTU framer. The pure code (CRC, requests, reply parsing) lives in shared
 * (`shared/src/decode/modbus-frame.ts`), shared with `vigia-config probe`; here the frame
 * builders hand back Node `Buffer`s, which is what the serial port and the bus work with.
 */
import {
  exceptionReply as exceptionReplyBytes,
  type FunctionName,
  readRequest as readRequestBytes,
  registersReply as registersReplyBytes,
} from '@vigia/shared';

export {
  crc16,
  FUNCTION_CODES,
  type ParsedReply,
  parseReply,
  type ReplyExpectation,
} from '@vigia/shared';

/** The 8-byte request to read `count` registers from `register` (0-based) of `unit`. */
export const readRequest = (unit: number, fn: FunctionName, register: number, count: number): Buffer =>
  Buffer.from(readRequestBytes(unit, fn, register, count));

/** The reply a slave sends with `registers` (for test slaves). */
export const registersReply = (unit: number, functionCode: number, registers: readonly number[]): Buffer =>
  Buffer.from(registersReplyBytes(unit, functionCode, registers));

/** The exception reply a slave sends (for test slaves). */
export const exceptionReply = (unit: number, functionCode: number, exception: number): Buffer =>
  Buffer.from(exceptionReplyBytes(unit, functionCode, exception));
