import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePdu, readRequest, splitAdus } from './mbap.ts';

const reply = (tid: number, unit: number, pdu: number[]) =>
  Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, unit, ...pdu]);

describe('modbus-tcp framer', () => {
  it('builds the read request of the Modbus TCP guide: MBAP header then the PDU, no CRC', () => {
    expect(readRequest(1, 1, 'holding', 16, 2).toString('hex')).toBe('000100000006010300100002');
    expect(readRequest(0xffff, 7, 'input', 0, 1).toString('hex')).toBe('ffff00000006070400000001');
  });

  it('cuts a stream into replies by the length field, whatever the chunking', () => {
    const a = reply(1, 1, [0x03, 0x04, 0x41, 0x48, 0x00, 0x00]);
    const b = reply(2, 3, [0x84, 0x02]);
    const stream = Buffer.concat([a, b]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: stream.length }), (cut) => {
        const first = splitAdus(stream.subarray(0, cut));
        if ('broken' in first) throw new Error(first.broken);
        const second = splitAdus(Buffer.concat([first.rest, stream.subarray(cut)]));
        if ('broken' in second) throw new Error(second.broken);
        const adus = [...first.adus, ...second.adus];
        expect(adus.map((x) => [x.tid, x.unit, x.pdu.toString('hex')])).toEqual([
          [1, 1, '030441480000'],
          [2, 3, '8402'],
        ]);
        expect(second.rest.length).toBe(0);
      }),
    );
  });

  it('says a stream is not Modbus TCP (another protocol id, an impossible length) instead of guessing', () => {
    expect(splitAdus(Buffer.from('0001000100060103', 'hex'))).toEqual({ broken: 'protocol id 1 (Modbus TCP is 0)' });
    expect(splitAdus(Buffer.from('000100000001', 'hex'))).toMatchObject({
      broken: expect.stringContaining('length 1'),
    });
    // An RTU frame sent over TCP by a gateway in the wrong mode: not taken for a reply.
    expect('broken' in splitAdus(Buffer.from('010304414800004dd9', 'hex'))).toBe(true);
  });

  it('reads registers, exceptions, and calls anything else garbled; never throws on any bytes', () => {
    const expect2 = { functionCode: 3, count: 2 };
    expect(parsePdu(Buffer.from('030441480000', 'hex'), expect2)).toEqual({
      kind: 'registers',
      registers: [0x4148, 0],
    });
    expect(parsePdu(Buffer.from('830b', 'hex'), expect2)).toEqual({ kind: 'exception', exception: 11 });
    expect(parsePdu(Buffer.from('0302ffff', 'hex'), expect2)).toEqual({ kind: 'garbled' });
    expect(parsePdu(Buffer.from('040441480000', 'hex'), expect2)).toEqual({ kind: 'garbled' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const split = splitAdus(Buffer.from(bytes));
        if (!('broken' in split)) for (const a of split.adus) parsePdu(a.pdu, expect2);
      }),
    );
  });
});
