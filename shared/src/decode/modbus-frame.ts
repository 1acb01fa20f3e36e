/**
 * @module decode/modbus-frame
 * The Modbus RTU framer (used by the edge's modbus-rtu driver and by `vigia-config probe`): builds read requests (FC03 holding, FC04 input) and recognises the
 * reply to one request in the bytes received so far. Pure, no I/O, never throws on any input.
 *
 * A reply is `unit, fc, byteCount, data…, crcLo, crcHi`, or the exception `unit, fc|0x80,
 * code, crcLo, crcHi`. Noise may come before the reply (an echo, a glitch as the transceiver
 * switches), so the parser looks for a frame that fits the request anywhere in the buffer and
 * accepts it only if its CRC matches. Whether bytes that never became a reply were a damaged
 * reply (`crc`) or not a reply at all (`garbled`) is decided only when the caller says the
 * wait is over (`final`), except a complete frame with a wrong CRC, which ends the wait at once.
 */

export type FunctionName = 'holding' | 'input';
export const FUNCTION_CODES: Readonly<Record<FunctionName, number>> = { holding: 0x03, input: 0x04 };

/** Longest RTU frame (Modbus over serial line, 2.5.1). */
export const MAX_FRAME_BYTES = 256;

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF) of `bytes[0..end)`. */
export function crc16(bytes: ArrayLike<number>, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = 0; i < end; i++) {
    crc ^= bytes[i] & 0xff;
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function withCrc(body: number[]): Uint8Array {
  const crc = crc16(body);
  return Uint8Array.from([...body, crc & 0xff, crc >>> 8]); // CRC goes low byte first
}

/** The 8-byte request to read `count` registers from `register` (0-based) of `unit`. */
export function readRequest(unit: number, fn: FunctionName, register: number, count: number): Uint8Array {
  return withCrc([unit, FUNCTION_CODES[fn], register >>> 8, register & 0xff, count >>> 8, count & 0xff]);
}

/** The reply a slave sends with `registers` (for test slaves). */
export function registersReply(unit: number, functionCode: number, registers: readonly number[]): Uint8Array {
  return withCrc([unit, functionCode, registers.length * 2, ...registers.flatMap((r) => [r >>> 8, r & 0xff])]);
}

/** The exception reply a slave sends (for test slaves). */
export function exceptionReply(unit: number, functionCode: number, exception: number): Uint8Array {
  return withCrc([unit, functionCode | 0x80, exception]);
}

export type ReplyExpectation = { unit: number; functionCode: number; count: number };

export type ParsedReply =
  | { kind: 'incomplete' }
  | { kind: 'registers'; registers: number[] }
  | { kind: 'exception'; exception: number }
  /** A frame shaped like the reply, with a wrong checksum: damaged on the line. */
  | { kind: 'crc' }
  /** Bytes that are not a reply to this request (wrong baud or parity, another talker, noise). */
  | { kind: 'garbled' };

const crcOk = (buf: Uint8Array, start: number, length: number): boolean => {
  const end = start + length - 2;
  return crc16(buf.subarray(start, end)) === (buf[end] | (buf[end + 1] << 8));
};

/**
 * What `buf` (everything received since the request was sent) holds. `final`: the wait is over
 * (timeout), so bytes that are not yet a reply are a damaged or garbled one.
 */
export function parseReply(buf: Uint8Array, expect: ReplyExpectation, final = false): ParsedReply {
  let waiting = false;
  let damaged = false;
  const dataBytes = expect.count * 2;
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] !== expect.unit) continue;
    const fc = buf[i + 1];
    let length: number;
    if (fc === (expect.functionCode | 0x80)) length = 5;
    else if (fc === expect.functionCode) {
      if (i + 2 >= buf.length) {
        waiting = true;
        continue;
      }
      if (buf[i + 2] !== dataBytes) continue; // not our reply's byte count: noise that looks like a header
      length = 5 + dataBytes;
    } else continue;
    if (i + length > buf.length) {
      waiting = true;
      continue;
    }
    if (!crcOk(buf, i, length)) {
      damaged = true;
      continue;
    }
    if (length === 5) return { kind: 'exception', exception: buf[i + 2] };
    const registers: number[] = [];
    for (let r = 0; r < expect.count; r++) registers.push((buf[i + 3 + 2 * r] << 8) | buf[i + 4 + 2 * r]);
    return { kind: 'registers', registers };
  }
  if (damaged && !waiting) return { kind: 'crc' };
  if (!final && buf.length < MAX_FRAME_BYTES) return { kind: 'incomplete' };
  if (damaged) return { kind: 'crc' };
  return buf.length > 0 ? { kind: 'garbled' } : { kind: 'incomplete' };
}

/** Modbus exception codes (Modbus Application Protocol 1.1b3, section 7), in Spanish and English. */
const EXCEPTIONS: Readonly<Record<number, { es: string; en: string }>> = {
  1: { es: 'función no admitida', en: 'illegal function' },
  2: { es: 'dirección de registro no válida', en: 'illegal data address' },
  3: { es: 'valor no válido', en: 'illegal data value' },
  4: { es: 'falla del equipo', en: 'slave device failure' },
  5: { es: 'petición aceptada, en proceso', en: 'acknowledge' },
  6: { es: 'equipo ocupado', en: 'slave device busy' },
  8: { es: 'error de paridad de memoria', en: 'memory parity error' },
  10: { es: 'ruta del gateway no disponible', en: 'gateway path unavailable' },
  11: { es: 'el equipo detrás del gateway no responde', en: 'gateway target failed to respond' },
};

/** The name of a Modbus exception code, e.g. 2 → "dirección de registro no válida". */
export const exceptionName = (code: number, lang: 'es' | 'en'): string =>
  EXCEPTIONS[code]?.[lang] ?? (lang === 'es' ? 'excepción desconocida' : 'unknown exception');
