/**
 * @module test/simulator/transports/modbus
 * A Modbus RTU slave (the plant's flow computer) on a serial port, with modbus-serial's
 * `ServerSerial`. Values are float32 in two holding registers, high word first ("big" word
 * order). A multi-register read is served from one snapshot, so a float is never torn.
 */
import ModbusSerial, { ServerSerial } from 'modbus-serial';

/**
 * The modbus-serial master class (for tests and tools reading this slave). The package is
 * CommonJS: at runtime the default import is the class itself, while its typings declare an
 * `export default` that TypeScript (NodeNext) reads as `.default`; this takes whichever exists.
 */
export const ModbusMaster: typeof ModbusSerial.default =
  (ModbusSerial as unknown as { default?: typeof ModbusSerial.default }).default ??
  (ModbusSerial as unknown as typeof ModbusSerial.default);
export type ModbusMaster = InstanceType<typeof ModbusMaster>;

export const REGISTER_COUNT = 32;

/** float32 as two 16-bit registers, high word first (IEEE 754 big-endian). */
export function encodeFloat32Big(value: number): [number, number] {
  const buf = Buffer.alloc(4);
  buf.writeFloatBE(value, 0);
  return [buf.readUInt16BE(0), buf.readUInt16BE(2)];
}

/** The inverse of `encodeFloat32Big`. */
export function decodeFloat32Big(hi: number, lo: number): number {
  const buf = Buffer.alloc(4);
  buf.writeUInt16BE(hi, 0);
  buf.writeUInt16BE(lo, 2);
  return buf.readFloatBE(0);
}

export type ModbusSlave = {
  registers: Uint16Array;
  /** Store `value` as float32 at `register`; returns the value a master will decode. */
  setFloat32: (register: number, value: number) => number;
  stop: () => Promise<void>;
};

/** Open `path` and serve holding (and input) registers as unit `unitId`. */
export async function startModbusSlave(path: string, unitId: number, baudRate = 9600): Promise<ModbusSlave> {
  const registers = new Uint16Array(REGISTER_COUNT);
  const read = (addr: number, length: number): number[] => {
    if (addr < 0 || addr + length > REGISTER_COUNT) throw { modbusErrorCode: 0x02, msg: 'illegal data address' };
    return Array.from(registers.subarray(addr, addr + length));
  };
  const vector = {
    getHoldingRegister: (addr: number) => read(addr, 1)[0]!,
    getMultipleHoldingRegisters: (addr: number, length: number) => read(addr, length),
    getInputRegister: (addr: number) => read(addr, 1)[0]!,
    getMultipleInputRegisters: (addr: number, length: number) => read(addr, length),
  };
  let server: ServerSerial | undefined;
  await new Promise<void>((resolve, reject) => {
    server = new ServerSerial(vector, {
      path,
      baudRate,
      unitID: unitId,
      // The default 30 ms inter-frame timeout caps a master at ~30 requests/s on a pty;
      // 4 ms gives ~150/s (toolchain.md section 5). Not in the typings, read by ServerSerial.
      interval: 4,
      openCallback: (err: Error | null) => (err ? reject(err) : resolve()),
    } as ConstructorParameters<typeof ServerSerial>[1]);
  });
  return {
    registers,
    setFloat32: (register, value) => {
      const [hi, lo] = encodeFloat32Big(value);
      registers[register] = hi;
      registers[register + 1] = lo;
      return Math.fround(value);
    },
    stop: () =>
      new Promise((resolve) => {
        server?.close(() => resolve());
      }),
  };
}
