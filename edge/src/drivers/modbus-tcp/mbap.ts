/**
 * @module modbus-tcp/mbap
 * The Modbus TCP framer (Modbus Messaging on TCP/IP Implementation Guide 1.0b, 3.1.3): an ADU
 * is the 7-byte MBAP header (transaction id, protocol id 0, length of what follows, unit id)
 * and the PDU, with no CRC (TCP checks the bytes). Pure, no I/O, never throws on any input.
 *
 * The stream is cut into ADUs by the length field alone. A header that cannot be Modbus
 * (protocol id not 0, length outside 2..254) means the peer does not speak Modbus TCP, or the
 * stream lost its place: the caller drops the connection rather than guess where the next
 * frame starts. Which request a reply answers is told by its transaction id only; the unit id
 * is not checked, since some devices answer with 0 or 255 whatever they were asked.
 */
import { FUNCTION_CODES, type FunctionName } from '@vigia/shared';

export const MBAP_HEADER_BYTES = 7;
/** Longest PDU (253) plus the unit id: the largest length field allowed. */
const MAX_LENGTH = 254;

/** The 12-byte request to read `count` registers from `register` (0-based) of `unit`. */
export function readRequest(tid: number, unit: number, fn: FunctionName, register: number, count: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(tid, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(6, 4);
  b.writeUInt8(unit, 6);
  b.writeUInt8(FUNCTION_CODES[fn], 7);
  b.writeUInt16BE(register, 8);
  b.writeUInt16BE(count, 10);
  return b;
}

export type Adu = { tid: number; unit: number; pdu: Buffer };

/** The complete ADUs at the start of `buf` and the bytes left over, or why the stream is not Modbus TCP. */
export function splitAdus(buf: Buffer): { adus: Adu[]; rest: Buffer } | { broken: string } {
  const adus: Adu[] = [];
  let at = 0;
  while (buf.length - at >= 6) {
    const protocol = buf.readUInt16BE(at + 2);
    const length = buf.readUInt16BE(at + 4);
    if (protocol !== 0) return { broken: `protocol id ${protocol} (Modbus TCP is 0)` };
    if (length < 2 || length > MAX_LENGTH) return { broken: `length ${length} (2 to ${MAX_LENGTH} in Modbus TCP)` };
    if (buf.length - at < 6 + length) break;
    adus.push({
      tid: buf.readUInt16BE(at),
      unit: buf[at + 6],
      pdu: buf.subarray(at + MBAP_HEADER_BYTES, at + 6 + length),
    });
    at += 6 + length;
  }
  return { adus, rest: buf.subarray(at) };
}

export type ReplyExpectation = { functionCode: number; count: number };

export type ParsedPdu =
  | { kind: 'registers'; registers: number[] }
  | { kind: 'exception'; exception: number }
  /** A reply to this transaction that is not an answer to the request (wrong function, wrong size). */
  | { kind: 'garbled' };

/** What the PDU of the reply to a read request holds. */
export function parsePdu(pdu: Buffer, expect: ReplyExpectation): ParsedPdu {
  if (pdu.length === 2 && pdu[0] === (expect.functionCode | 0x80)) return { kind: 'exception', exception: pdu[1] };
  const bytes = expect.count * 2;
  if (pdu.length !== 2 + bytes || pdu[0] !== expect.functionCode || pdu[1] !== bytes) return { kind: 'garbled' };
  const registers: number[] = [];
  for (let r = 0; r < expect.count; r++) registers.push(pdu.readUInt16BE(2 + 2 * r));
  return { kind: 'registers', registers };
}
