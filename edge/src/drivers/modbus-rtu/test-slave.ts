/**
 * @module modbus-rtu/test-slave
 * For tests: several Modbus RTU units behind one serial port, as on a real RS-485 bus
 * (modbus-serial's ServerSerial answers one unit id only). Reads 8-byte FC03/FC04 requests;
 * a unit not in `units` or marked `silent` does not answer, as a dead unit would. Can damage
 * replies on request. Not collected as a test (no `.test.ts`).
 */
import { SerialPort } from 'serialport';
import { crc16, exceptionReply, registersReply } from './frame.ts';

export type TestUnit = {
  registers: Uint16Array;
  silent?: boolean;
  /** The next n replies of this unit are junk bytes instead. */
  garble?: number;
  /** The next n replies of this unit have one bit flipped. */
  damage?: number;
  /** A slow unit: each reply is sent this many ms after the request. */
  delayMs?: number;
};

export type TestSlave = {
  units: Map<number, TestUnit>;
  /** Requests seen per unit id (answered or not). */
  requests: Map<number, number>;
  write: (bytes: Buffer) => Promise<void>;
  stop: () => Promise<void>;
};

export async function startTestSlave(path: string, units: Map<number, TestUnit>): Promise<TestSlave> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const requests = new Map<number, number>();
  let buf = Buffer.alloc(0);

  function answer(req: Buffer): Buffer | undefined {
    const unitId = req[0];
    const fc = req[1];
    requests.set(unitId, (requests.get(unitId) ?? 0) + 1);
    const unit = units.get(unitId);
    if (!unit || unit.silent) return undefined;
    if (unit.garble) {
      unit.garble--;
      return Buffer.from([0xff, 0x00, 0xaa, 0x55, 0x0f, 0xf0, 0x7e]);
    }
    const addr = req.readUInt16BE(2);
    const count = req.readUInt16BE(4);
    if (addr + count > unit.registers.length) return exceptionReply(unitId, fc, 0x02);
    const reply = registersReply(unitId, fc, Array.from(unit.registers.subarray(addr, addr + count)));
    if (unit.damage) {
      unit.damage--;
      reply[3] ^= 0x01;
    }
    return reply;
  }

  port.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 8) {
      const valid = (buf[1] === 3 || buf[1] === 4) && crc16(buf, 6) === buf.readUInt16LE(6);
      if (!valid) {
        buf = buf.subarray(1); // resynchronise on the next byte
        continue;
      }
      const unit = units.get(buf[0]);
      const reply = answer(buf.subarray(0, 8));
      buf = buf.subarray(8);
      const delayMs = unit?.delayMs ?? 0;
      if (reply && delayMs > 0) setTimeout(() => port.isOpen && port.write(reply), delayMs);
      else if (reply) port.write(reply);
    }
  });

  return {
    units,
    requests,
    write: (bytes) => new Promise((res) => port.write(bytes, () => port.drain(() => res()))),
    stop: () => new Promise((res) => (port.isOpen ? port.close(() => res()) : res())),
  };
}
