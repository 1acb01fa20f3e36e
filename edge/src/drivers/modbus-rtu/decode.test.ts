import { readdirSync, readFileSync } from 'node:fs';
import { ModbusRtuSource } from '@vigia/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters, REGISTERS_PER_TYPE, type RegisterType, type WordOrder } from './decode.ts';
import { FUNCTION_CODES, parseReply, readRequest } from './frame.ts';

const TYPES = Object.keys(REGISTERS_PER_TYPE) as RegisterType[];
const ORDERS: WordOrder[] = ['big', 'little'];
const wellFormed = (r: ReturnType<typeof decodeRegisters>) =>
  r.ok ? Number.isFinite(r.value) : /^[a-z_]+$/.test(r.code);

describe('modbus-rtu decodeRegisters', () => {
  it('reads each type and word order', () => {
    expect(decodeRegisters([0xfb2e], 'int16', 'big')).toEqual({ ok: true, value: -1234 });
    expect(decodeRegisters([0xfb2e], 'uint16', 'little')).toEqual({ ok: true, value: 64302 });
    expect(decodeRegisters([0xfffe, 0x7960], 'int32', 'big')).toEqual({ ok: true, value: -100000 });
    expect(decodeRegisters([0x7960, 0xfffe], 'int32', 'little')).toEqual({ ok: true, value: -100000 });
    expect(decodeRegisters([0xb2d0, 0x5e00], 'uint32', 'big')).toEqual({ ok: true, value: 3000000000 });
    expect(decodeRegisters([0x4148, 0x0000], 'float32', 'big')).toEqual({ ok: true, value: 12.5 });
    expect(decodeRegisters([0x0000, 0x4148], 'float32', 'little')).toEqual({ ok: true, value: 12.5 });
  });

  it('refuses the wrong number of registers, non-registers, and NaN or infinite floats', () => {
    expect(decodeRegisters([1], 'float32', 'big')).toEqual({ ok: false, code: 'register_count' });
    expect(decodeRegisters([1, 2], 'uint16', 'big')).toEqual({ ok: false, code: 'register_count' });
    expect(decodeRegisters([70000], 'uint16', 'big')).toEqual({ ok: false, code: 'not_a_register' });
    expect(decodeRegisters([1.5, 0], 'int32', 'big')).toEqual({ ok: false, code: 'not_a_register' });
    expect(decodeRegisters([0x7fc0, 0], 'float32', 'big')).toEqual({ ok: false, code: 'not_finite' });
    expect(decodeRegisters([0, 0x7f80], 'float32', 'little')).toEqual({ ok: false, code: 'not_finite' });
  });

  it('any registers, any type and order: a value or an error code, never throws (property)', () => {
    const anyNumber = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer(),
      fc.double(),
      fc.constantFrom(Number.NaN, -1, 65536, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.array(anyNumber, { maxLength: 4 }),
        fc.constantFrom(...TYPES),
        fc.constantFrom(...ORDERS),
        (registers, type, order) => wellFormed(decodeRegisters(registers, type, order)),
      ),
    );
  });

  it('round-trips every type and word order (property)', () => {
    const range: Record<RegisterType, fc.Arbitrary<number>> = {
      int16: fc.integer({ min: -0x8000, max: 0x7fff }),
      uint16: fc.integer({ min: 0, max: 0xffff }),
      int32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      uint32: fc.integer({ min: 0, max: 0xffffffff }),
      float32: fc.float(),
    };
    for (const type of TYPES)
      for (const order of ORDERS)
        fc.assert(
          fc.property(range[type], (value) => {
            const registers = encodeRegisters(value, type, order);
            expect(registers).toHaveLength(REGISTERS_PER_TYPE[type]);
            const r = decodeRegisters(registers, type, order);
            if (Number.isFinite(value)) return r.ok && Object.is(r.value, value);
            return !r.ok && r.code === 'not_finite';
          }),
          { numRuns: 200 },
        );
  });

  it('testdata: captured request and reply frames give the recorded values', () => {
    const root = new URL('./testdata/', import.meta.url);
    const cases = readdirSync(root);
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
    for (const name of cases) {
      const c = JSON.parse(readFileSync(new URL(`${name}/case.json`, root), 'utf8'));
      const src = ModbusRtuSource.parse({ driver: 'modbus-rtu', port: '/dev/ttyUSB0', ...c.source });
      const count = REGISTERS_PER_TYPE[src.type];
      expect(readRequest(src.unit_id, src.function, src.register, count), `${name}: request`).toEqual(bytes(c.request));
      const reply = parseReply(
        bytes(c.reply),
        { unit: src.unit_id, functionCode: FUNCTION_CODES[src.function], count },
        true,
      );
      const got =
        reply.kind === 'registers'
          ? decodeRegisters(reply.registers, src.type, src.word_order)
          : { reply: reply.kind, ...(reply.kind === 'exception' ? { exception: reply.exception } : {}) };
      expect(got, name).toEqual(c.expected);
    }
  });
});
