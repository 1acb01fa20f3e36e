import { describe, expect, it } from 'vitest';
import { ModbusRtuSource } from '../config/sources/modbus-rtu.ts';
import { crc16, exceptionName, parseReply, readRequest, registersReply } from './modbus-frame.ts';
import { decodeRegisters, encodeRegisters } from './modbus-registers.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('decode/modbus (shared by the edge driver and vigia-config probe)', () => {
  it('CRC-16/MODBUS of "123456789" is 0x4B37; requests carry it low byte first', () => {
    expect(crc16(Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0x4b37);
    expect(hex(readRequest(3, 'holding', 16, 2))).toBe('030300100002c42c');
  });

  it('a reply read back and decoded as the config says gives the value', () => {
    const src = ModbusRtuSource.parse({
      driver: 'modbus-rtu',
      port: '/dev/x',
      unit_id: 3,
      register: 16,
      type: 'float32',
    });
    const reply = registersReply(3, 3, encodeRegisters(12.5, src.type, src.word_order));
    const parsed = parseReply(reply, { unit: 3, functionCode: 3, count: 2 });
    expect(parsed).toEqual({ kind: 'registers', registers: [0x4148, 0] });
    if (parsed.kind === 'registers')
      expect(decodeRegisters(parsed.registers, 'float32', 'big')).toEqual({ ok: true, value: 12.5 });
  });

  it('names exception codes in Spanish and English', () => {
    expect(exceptionName(2, 'es')).toBe('dirección de registro no válida');
    expect(exceptionName(2, 'en')).toBe('illegal data address');
    expect(exceptionName(99, 'es')).toBe('excepción desconocida');
  });
});
