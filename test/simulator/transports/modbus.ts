/**
 * @module test/simulator/transports/modbus
 * The plant's flow computer as a Modbus slave: over RTU on a serial port (modbus-serial's
 * `ServerSerial`) and over Modbus TCP (its `ServerTCP`), both serving one register map when
 * given the same `RegisterMap`. Values are float32 in two holding registers, high word first
 * ("big" word order). A multi-register read is served from one snapshot, so a float is never torn.
 */
import type { AddressInfo } from 'node:net';
import ModbusSerial, { ServerSerial, ServerTCP } from 'modbus-serial';

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

/** The registers a slave serves (holding and input alike); one map can back an RTU and a TCP slave. */
export type RegisterMap = {
  registers: Uint16Array;
  /** Store `value` as float32 at `register`; returns the value a master will decode. */
  setFloat32: (register: number, value: number) => number;
};

export function createRegisterMap(): RegisterMap {
  const registers = new Uint16Array(REGISTER_COUNT);
  return {
    registers,
    setFloat32: (register, value) => {
      const [hi, lo] = encodeFloat32Big(value);
      registers[register] = hi;
      registers[register + 1] = lo;
      return Math.fround(value);
    },
  };
}

function vectorOf({ registers }: RegisterMap) {
  const read = (addr: number, length: number): number[] => {
    if (addr < 0 || addr + length > REGISTER_COUNT) throw { modbusErrorCode: 0x02, msg: 'illegal data address' };
    return Array.from(registers.subarray(addr, addr + length));
  };
  return {
    getHoldingRegister: (addr: number) => read(addr, 1)[0]!,
    getMultipleHoldingRegisters: (addr: number, length: number) => read(addr, length),
    getInputRegister: (addr: number) => read(addr, 1)[0]!,
    getMultipleInputRegisters: (addr: number, length: number) => read(addr, length),
  };
}

export type ModbusSlave = RegisterMap & { stop: () => Promise<void> };

/** Open `path` and serve holding (and input) registers as unit `unitId`. */
export async function startModbusSlave(
  path: string,
  unitId: number,
  baudRate = 9600,
  map: RegisterMap = createRegisterMap(),
): Promise<ModbusSlave> {
  const vector = vectorOf(map);
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
    ...map,
    stop: () =>
      new Promise((resolve) => {
        server?.close(() => resolve());
      }),
  };
}

export type ModbusTcpSlave = ModbusSlave & { port: number };

/**
 * What one unit id behind a Modbus TCP gateway does: serve a map, serve it `delayMs` late,
 * stay silent, or answer an exception code.
 */
export type GatewayUnit = RegisterMap | { late: RegisterMap; delayMs: number } | 'silent' | { exception: number };

/**
 * Listen on `host:port` (port 0: any free one) as a Modbus TCP gateway: each unit id in `units`
 * behaves as given, any other is silent (the requests time out). `stop` also closes the open
 * connections, as a device that powers off would. modbus-serial's `ServerTCP` does the framing.
 */
export async function startModbusTcpGateway(options: {
  host?: string;
  port: number;
  units: Record<number, GatewayUnit>;
}): Promise<{ port: number; stop: () => Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  type Cb = (err: unknown, values?: number[]) => void;
  const read = (addr: number, length: number, unit: number, cb: Cb) => {
    const u = options.units[unit];
    if (u === undefined || u === 'silent') return; // never answers
    if ('exception' in u) return cb({ modbusErrorCode: u.exception, msg: `exception ${u.exception}` });
    if ('late' in u) {
      const values = vectorOf(u.late).getMultipleHoldingRegisters(addr, length);
      setTimeout(() => cb(null, values), u.delayMs);
      return;
    }
    try {
      cb(null, vectorOf(u).getMultipleHoldingRegisters(addr, length));
    } catch (err) {
      cb(err);
    }
  };
  const one = (addr: number, unit: number, cb: (err: unknown, value?: number) => void) =>
    read(addr, 1, unit, (err, v) => cb(err, v?.[0]));
  const vector = {
    getHoldingRegister: one,
    getMultipleHoldingRegisters: read,
    getInputRegister: one,
    getMultipleInputRegisters: read,
  };
  const server = new ServerTCP(vector as never, { host, port: options.port, unitID: 255 });
  const net = (server as unknown as { _server: import('node:net').Server })._server;
  await new Promise<void>((resolve, reject) => {
    if (net.listening) return resolve();
    net.once('listening', () => resolve());
    net.once('error', reject);
  });
  server.on('error', () => undefined); // a client that hangs up mid-reply is not the simulator's problem
  const socks = (server as unknown as { socks: Map<import('node:net').Socket, unknown> }).socks;
  let stopped: Promise<void> | undefined; // ServerTCP never calls back a second close
  return {
    port: (net.address() as AddressInfo).port,
    stop: () => {
      stopped ??= new Promise((resolve) => {
        for (const sock of socks.keys()) sock.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

/** Serve the map as unit `unitId` over Modbus TCP (other unit ids get no answer). */
export async function startModbusTcpSlave(
  options: { host?: string; port: number; unitId: number },
  map: RegisterMap = createRegisterMap(),
): Promise<ModbusTcpSlave> {
  const gateway = await startModbusTcpGateway({
    host: options.host,
    port: options.port,
    units: { [options.unitId]: map },
  });
  return { ...map, ...gateway };
}
