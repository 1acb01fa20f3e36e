import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16, exceptionReply, parseReply, readRequest, registersReply } from './frame.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const expect3x2 = { unit: 3, functionCode: 3, count: 2 };

describe('modbus-rtu frame', () => {
  it('CRC-16/MODBUS of the standard check string is 0x4B37', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37);
  });

  it('builds read requests with the CRC low byte first', () => {
    expect(hex(readRequest(3, 'holding', 16, 2))).toBe('030300100002c42c');
    expect(hex(readRequest(1, 'input', 0, 2))).toBe('01040000000271cb');
  });

  it('waits for the whole reply, then reads it; an exception reply is recognised', () => {
    const reply = registersReply(3, 3, [0x4148, 0]);
    expect(parseReply(reply.subarray(0, 5), expect3x2)).toEqual({ kind: 'incomplete' });
    expect(parseReply(reply, expect3x2)).toEqual({ kind: 'registers', registers: [0x4148, 0] });
    expect(parseReply(exceptionReply(3, 3, 2), expect3x2)).toEqual({ kind: 'exception', exception: 2 });
  });

  it('a reply from another unit or function is not ours; a bad CRC ends the wait at once', () => {
    expect(parseReply(registersReply(4, 3, [1, 2]), expect3x2)).toEqual({ kind: 'incomplete' });
    expect(parseReply(registersReply(4, 3, [1, 2]), expect3x2, true)).toEqual({ kind: 'garbled' });
    expect(parseReply(registersReply(3, 4, [1, 2]), expect3x2, true)).toEqual({ kind: 'garbled' });
    const damaged = registersReply(3, 3, [1, 2]);
    damaged[4] ^= 0x10;
    expect(parseReply(damaged, expect3x2)).toEqual({ kind: 'crc' });
    expect(parseReply(new Uint8Array(), expect3x2, true)).toEqual({ kind: 'incomplete' });
  });

  it('any bytes: never throws; registers only with a valid CRC (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 247 }),
        fc.constantFrom(3, 4),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        (bytes, unit, functionCode, count, final) => {
          const r = parseReply(bytes, { unit, functionCode, count }, final);
          if (r.kind !== 'registers') return true;
          return r.registers.length === count && r.registers.every((x) => x >= 0 && x <= 0xffff);
        },
      ),
    );
  });

  it('any registers behind any noise without the unit id: read back exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 2 }),
        fc.uint8Array({ maxLength: 20 }).map((b) => b.filter((x) => x !== 3)),
        (registers, noise) => {
          const bytes = Buffer.concat([noise, registersReply(3, 3, registers)]);
          const r = parseReply(bytes, { unit: 3, functionCode: 3, count: registers.length });
          expect(r).toEqual({ kind: 'registers', registers });
        },
      ),
    );
  });
});
