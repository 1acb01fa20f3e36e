import { afterEach, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../services/socat.ts';
import { decodeFloat32Big, encodeFloat32Big, ModbusMaster, type ModbusSlave, startModbusSlave } from './modbus.ts';

describe('float32 big word order', () => {
  it('puts the high word first, as IEEE 754 big-endian', () => {
    expect(encodeFloat32Big(12.5)).toEqual([0x4148, 0x0000]);
    expect(encodeFloat32Big(-1)).toEqual([0xbf80, 0x0000]);
    expect(encodeFloat32Big(7.12)).toEqual([0x40e3, 0xd70a]);
    expect(decodeFloat32Big(0x40e3, 0xd70a)).toBe(Math.fround(7.12));
  });
});

let pair: PtyPair | undefined;
let slave: ModbusSlave | undefined;
let master: ModbusMaster | undefined;
afterEach(async () => {
  if (master?.isOpen) await new Promise<void>((r) => master!.close(() => r()));
  await slave?.stop();
  await pair?.stop();
  master = slave = pair = undefined;
});

it('serves float32 holding registers that a real modbus-serial master reads over a socat pty pair', async () => {
  pair = await startPtyPair();
  slave = await startModbusSlave(pair.b, 1);
  expect(slave.setFloat32(0, 6.37)).toBe(Math.fround(6.37));
  slave.setFloat32(2, 7.82);
  slave.setFloat32(4, 14.6);
  master = new ModbusMaster();
  await master.connectRTUBuffered(pair.a, { baudRate: 9600 });
  master.setID(1);
  master.setTimeout(2000);
  const res = await master.readHoldingRegisters(0, 6);
  const regs = res.data;
  expect(regs).toHaveLength(6);
  expect(regs.slice(0, 2)).toEqual(encodeFloat32Big(6.37));
  expect(res.buffer.readFloatBE(0)).toBe(Math.fround(6.37));
  expect(decodeFloat32Big(regs[2]!, regs[3]!)).toBe(Math.fround(7.82));
  expect(decodeFloat32Big(regs[4]!, regs[5]!)).toBe(Math.fround(14.6));
  // updates are seen by the next read
  slave.setFloat32(2, 0);
  const again = await master.readHoldingRegisters(2, 2);
  expect(again.buffer.readFloatBE(0)).toBe(0);
});

it('answers only its own unit id', async () => {
  pair = await startPtyPair();
  slave = await startModbusSlave(pair.b, 1);
  master = new ModbusMaster();
  await master.connectRTUBuffered(pair.a, { baudRate: 9600 });
  master.setID(2);
  master.setTimeout(500);
  await expect(master.readHoldingRegisters(0, 2)).rejects.toThrow(/Timed out/);
});
