import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../../test/services/socat.ts';
import { type ModbusSlave, startModbusSlave } from '../../../test/simulator/transports/modbus.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vigia-config.mjs');
type Run = { status: number | null; stdout: string; stderr: string };

/** Runs the real `vigia-config`; `onStart` runs once stdout shows it is listening (the port is open). */
function run(args: string[], onStart?: () => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // No agent at --api (port 9 refuses at once): these tests open the port themselves.
    const api = args.includes('--api') ? [] : ['--api', 'http://127.0.0.1:9'];
    const child = spawn(process.execPath, [BIN, ...args, ...api]);
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!started && onStart && /escuchando|leyendo/.test(stdout)) {
        started = true;
        onStart().catch(reject);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function openOther(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  return port;
}
const write = (port: SerialPort, bytes: Buffer) =>
  new Promise<void>((res) => port.write(bytes, () => port.drain(() => res())));
const close = (port: SerialPort) => new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res()));

let pty: PtyPair;
beforeEach(async () => {
  pty = await startPtyPair();
});
afterEach(async () => {
  await pty.stop();
});

describe('vigia-config probe, serial lines (real process, socat pty)', () => {
  it('shows each line raw (CR escaped) and the value the pattern extracts, or the decode error in words', async () => {
    const sensor = await openOther(pty.b);
    const r = await run(['probe', pty.a, '--seconds', '2', '--pattern', 'PH=(?<value>-?[0-9.]+)'], () =>
      write(sensor, Buffer.from('PH=7.12 T=21.0\r\nT=21.0\r\nPH=6,9\n')),
    );
    await close(sensor);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('línea 1: "PH=7.12 T=21.0\\r"  → valor 7.12');
    expect(r.stdout).toContain('línea 2: "T=21.0\\r"  → error no_match: el patrón (--pattern) no encuentra el valor');
    // a decimal comma: the pattern stops at it, as the agent would — visible here before it is in the data
    expect(r.stdout).toContain('línea 3: "PH=6,9"  → valor 6');
    expect(r.stdout).toContain('resumen: 3 línea(s), 2 con valor');
    expect(r.status).toBe(0);
  });

  it('csv and json decoders are the agent ones', async () => {
    const sensor = await openOther(pty.b);
    const r = await run(['probe', pty.a, '--seconds', '2', '--csv-column', '2', '--csv-separator', ';'], () =>
      write(sensor, Buffer.from('T1;ok;19.75\nT1;ok\n')),
    );
    await close(sensor);
    expect(r.stdout).toContain('"T1;ok;19.75"  → valor 19.75');
    expect(r.stdout).toContain('"T1;ok"  → error missing_column');
  });

  it('garbage bytes: escaped, and a suggestion to try another baud rate', async () => {
    const sensor = await openOther(pty.b);
    const junk = Buffer.from([
      0xf0, 0x0f, 0xaa, 0x55, 0x00, 0xff, 0x80, 0x9c, 0xe3, 0x01, 0x7f, 0xfe, 0x12, 0x34, 0x0a,
    ]);
    const r = await run(['probe', pty.a, '--seconds', '2', '--baud', '9600'], () =>
      write(sensor, Buffer.concat([junk, junk])),
    );
    await close(sensor);
    expect(r.stdout).toContain('"\\xf0\\x0f\\xaaU\\x00\\xff\\x80\\x9c\\xe3\\x01\\x7f\\xfe\\x124"');
    expect(r.stdout).toMatch(
      /¿baudios equivocados\? \d+ de 30 bytes no son texto — pruebe --baud 19200 \/ 38400 \/ 115200/,
    );
  });

  it('nothing arrives: says what to check and exits 1', async () => {
    const r = await run(['probe', pty.a, '--seconds', '1']);
    expect(r.stdout).toContain('no llegó nada en 1 s');
    expect(r.status).toBe(1);
  });

  it('a port held by another process (the agent): says to stop vigia-edge', async () => {
    const agent = await openOther(pty.a); // serialport locks the port, as vigia-edge does
    const r = await run(['probe', pty.a, '--seconds', '1']);
    await close(agent);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`el puerto ${pty.a} está en uso`);
    expect(r.stderr).toContain('sudo systemctl stop vigia-edge');
  });

  it('a Modbus TCP address with no agent reading it: says what to do instead', async () => {
    for (const address of ['192.168.1.50:502', '192.168.1.50', 'plc.local:502']) {
      const r = await run(['probe', address, '--modbus', '--unit', '1', '--register', '0']);
      expect(r.status, address).toBe(2);
      expect(r.stderr).toContain(`${address} looks like a network address`);
      expect(r.stderr).toContain('Modbus TCP (modbus-tcp) only through a running agent that reads that address');
      expect(r.stderr).toContain('vigia-config status');
      expect(r.stderr).toContain('parece una dirección de red');
    }
  });

  it('bad options are named by their flag', async () => {
    const r = await run(['probe', pty.a, '--pattern', 'PH=([0-9.]+)']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--pattern: the pattern needs a named group (?<value>...)');
  });
});

describe('vigia-config probe --modbus (real process, modbus-serial ServerSerial on a pty)', () => {
  let slave: ModbusSlave;
  beforeEach(async () => {
    slave = await startModbusSlave(pty.b, 3);
    slave.setFloat32(16, 12.5);
  });
  afterEach(async () => {
    await slave.stop();
  });

  it('polls once per second: raw registers in hex and the decoded value', async () => {
    const r = await run([
      'probe',
      pty.a,
      '--modbus',
      '--unit',
      '3',
      '--register',
      '16',
      '--type',
      'float32',
      '--seconds',
      '2',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('#1 registros: 4148 0000 → valor 12.5');
    expect(r.stdout).toContain('#2 registros: 4148 0000 → valor 12.5');
    expect(r.stdout).toContain('resumen: 2 de 2 lectura(s) válidas');
    expect(r.status).toBe(0);
  });

  it('the wrong word order shows other registers decoded, so the technician can compare', async () => {
    const r = await run([
      'probe',
      pty.a,
      '--modbus',
      '--unit',
      '3',
      '--register',
      '16',
      '--type',
      'uint16',
      '--seconds',
      '1',
    ]);
    expect(r.stdout).toContain('#1 registros: 4148 → valor 16712');
  });

  it('an exception reply is named in words', async () => {
    const r = await run(['probe', pty.a, '--modbus', '--unit', '3', '--register', '40', '--seconds', '1']);
    expect(r.stdout).toContain('#1 excepción 2 (dirección de registro no válida)');
    expect(r.stdout).toContain('revise --register y --function');
    expect(r.status).toBe(1);
  });

  it('a unit that does not answer: timeout in words', async () => {
    const r = await run(['probe', pty.a, '--modbus', '--unit', '7', '--register', '16', '--seconds', '1']);
    expect(r.stdout).toContain('#1 sin respuesta (tiempo agotado, 800 ms): la unidad 7 no responde');
    expect(r.stdout).toContain('resumen: 0 de 1 lectura(s) válidas');
    expect(r.status).toBe(1);
  });
});
