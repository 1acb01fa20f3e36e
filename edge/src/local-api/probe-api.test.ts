import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../../test/services/socat.ts';
import { freePort } from '../../../test/services/util.ts';
import { createRegisterMap, startModbusTcpGateway } from '../../../test/simulator/transports/modbus.ts';
import { runNode } from '../../../test/support/process.ts';
import { type Agent, createAgent } from '../agent.ts';
import { loadConfig } from '../config.ts';
import { startTestSlave, type TestSlave } from '../drivers/modbus-rtu/test-slave.ts';
import { writePasswordFile } from './password-file.ts';

const CONFIG_BIN = join(import.meta.dirname, '../../../firmware-config/bin/vigia-config.mjs');
const PASS = 'correct horse';
let dir: string;
let pty: PtyPair;
let slave: TestSlave;
let agent: Agent;
let api: string;

/**
 * Writes `edge<n>.yaml` in `dir` (device `plant-0<n>`, its own buffer, the technician password
 * file) with these `sensors:` lines, and starts an agent on it.
 */
async function startAgent(n: 1 | 2 | 3, sensors: string[], broker = '{ port: 0, host: 127.0.0.1 }'): Promise<Agent> {
  const suffix = n === 1 ? '' : String(n);
  const file = join(dir, `edge${suffix}.yaml`);
  writeFileSync(
    file,
    [
      `device: { id: plant-0${n}, site: mobile-plant }`,
      'server: { url: "http://127.0.0.1:9", token_file: ./device.token }',
      `buffer: { path: ./buffer${suffix}.db }`,
      `broker: ${broker}`,
      'api: { port: 0, password_file: ./tech.pass }',
      'sensors:',
      ...sensors,
      '',
    ].join('\n'),
  );
  const started = createAgent(loadConfig(file), {
    logger: pino({ level: 'silent' }),
    syncCheck: async () => 'unknown',
    retry: { baseMs: 20, maxMs: 100 },
  });
  await started.start();
  return started;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-probe-api-'));
  pty = await startPtyPair();
  slave = await startTestSlave(pty.b, new Map([[1, { registers: Uint16Array.from([742, 1234]) }]]));
  writeFileSync(join(dir, 'device.token'), 'tok\n');
  writePasswordFile(join(dir, 'tech.pass'), PASS);
  writeFileSync(join(dir, 'pass.txt'), `${PASS}\n`);
  agent = await startAgent(1, [
    `  - { id: plant.flow, quantity: volumetric_flow, unit: m3/h, interval: 200ms, source: { driver: modbus-rtu, port: ${pty.a}, unit_id: 1, register: 0, type: uint16 } }`,
  ]);
  api = agent.addresses().api;
  const end = Date.now() + 5000;
  while (!agent.sensors().sensors[0].latest && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
});

afterEach(async () => {
  await agent.stop();
  await slave.stop();
  await pty.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The agent still reads its port: its driver is (back to) ok within 5 s. On a loaded machine one
 * poll may time out now and then (retrying for a moment); a lost or closed port would not recover.
 */
async function readsOn(): Promise<void> {
  const end = Date.now() + 5000;
  while (agent.status().drivers[0].state !== 'ok' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(agent.status().drivers[0]).toMatchObject({ state: 'ok' });
}

const auth = { authorization: `Basic ${Buffer.from(`technician:${PASS}`).toString('base64')}` };
const source = (extra: Record<string, unknown>) => ({
  driver: 'modbus-rtu',
  port: pty.a,
  unit_id: 1,
  register: 1,
  type: 'uint16',
  ...extra,
});
async function probe(body: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${api}/probe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      raw?: number;
      value?: number | null;
      ms?: number;
      error: { code: string; message: string; path?: string };
    },
  };
}

describe('POST /probe (agent in process, real HTTP, socat pty and a Modbus test slave)', () => {
  it('reads a register no sensor reads, through the running bus: raw, calibrated value, ms', async () => {
    const r = await probe({ source: source({}), calibrate: { scale: 0.5, offset: 1 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ raw: 1234, value: 618 });
    expect(r.body.ms ?? -1).toBeGreaterThanOrEqual(0);
    expect((await probe({ source: source({}) })).body).toMatchObject({ raw: 1234, value: null });
    await readsOn(); // the agent kept its port
  });

  it('answers in words: 504 for a dead unit, 422 naming the field, 409 for a port the agent does not hold, 401 without the password', async () => {
    const dead = await probe({ source: source({ unit_id: 7 }) });
    expect(dead.status).toBe(504);
    expect(dead.body.error.message).toContain('la unidad 7 no responde');
    const bad = await probe({ source: source({ type: 'float64' }) });
    expect(bad.status).toBe(422);
    expect(bad.body.error.path).toBe('source.type');
    const other = await probe({ source: source({ port: '/dev/ttyNOPE' }) });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('line_not_held');
    expect((await probe({ source: source({}) }, {})).status).toBe(401);
  });

  it('vigia-config probe --modbus goes through the running agent instead of opening the port', async () => {
    const before = slave.requests.get(1) ?? 0;
    const r = await runNode(CONFIG_BIN, [
      'probe',
      pty.a,
      '--modbus',
      '--unit',
      '1',
      '--register',
      '1',
      '--type',
      'uint16',
      '--seconds',
      '2',
      '--api',
      api,
      '--password-file',
      join(dir, 'pass.txt'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('la prueba pasa por el agente');
    expect(r.stdout).toMatch(/#1 valor 1234/);
    expect(r.stdout).toContain('resumen: 2 de 2');
    expect(r.code).toBe(0);
    expect(slave.requests.get(1) ?? 0).toBeGreaterThan(before);
    await readsOn();
  });

  const probeCli = (port: string, extra: string[]) =>
    runNode(CONFIG_BIN, [
      'probe',
      port,
      '--modbus',
      '--unit',
      '1',
      '--register',
      '1',
      '--type',
      'uint16',
      '--seconds',
      '1',
      '--api',
      api,
      ...extra,
    ]);

  it('vigia-config probe on a port the running agent does not read: opens it itself, asks no password', async () => {
    const other = await startPtyPair();
    const otherSlave = await startTestSlave(other.b, new Map([[1, { registers: Uint16Array.from([5, 6]) }]]));
    try {
      const r = await probeCli(other.a, []); // no --password-file and no terminal: none needed
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`leyendo la unidad 1, registro 1 (holding, uint16, word_order big) en ${other.a}`);
      expect(r.stdout).toContain('#1 registros: 0006 → valor 6');
      expect(r.code).toBe(0);
    } finally {
      await otherSlave.stop();
      await other.stop();
    }
  });

  it("vigia-config probe on the agent's port without the password, or a wrong one: refused in words, the port never opened", async () => {
    const none = await probeCli(pty.a, []);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('se necesita la contraseña de técnico');
    expect(none.stderr).toContain('--password-file');
    expect(none.stdout).not.toContain('registros');
    writeFileSync(join(dir, 'wrong.txt'), 'not it\n');
    const wrong = await probeCli(pty.a, ['--password-file', join(dir, 'wrong.txt')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('usuario o contraseña errados');
    await readsOn(); // the agent kept its port all along
  });
});

describe('POST /probe for serial-line and mqtt (agent in process, real HTTP, socat pty, mqtt.js client)', () => {
  it('reads the next line on the agent’s open port, and the latest payload on a sensor topic', async () => {
    // The outer beforeEach's agent stays up; this one has its own port, broker and API.
    const lines = await startPtyPair();
    const second = await startAgent(
      2,
      [
        `  - { id: plant.ph, quantity: ph, unit: pH, source: { driver: serial-line, port: ${lines.a}, pattern: "PH=(?<value>[0-9.]+)" } }`,
        '  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/t1/ch4, json_path: value } }',
      ],
      '{ port: 0, host: 127.0.0.1, allow_anonymous: true }',
    );
    const device = new SerialPort({ path: lines.b, baudRate: 9600, autoOpen: false });
    try {
      await new Promise<void>((res, rej) => device.open((e) => (e ? rej(e) : res())));
      const post = (source: unknown) =>
        fetch(`${second.addresses().api}/probe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ source, calibrate: { scale: 2, offset: 0 } }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { message: string } } }));
      const asked = post({ driver: 'serial-line', port: lines.a, pattern: 'EC=(?<value>[0-9.]+)' });
      await new Promise((r) => setTimeout(r, 200));
      device.write('PH=7.1 EC=1.5\r\n');
      expect(await asked).toMatchObject({ status: 200, body: { raw: 1.5, value: 3 } });
      const node = await mqtt.connectAsync(second.addresses().broker, { reconnectPeriod: 0 });
      await node.publishAsync('vigia/t1/ch4', JSON.stringify({ value: 0.8 }), { qos: 1 });
      await node.endAsync();
      expect(await post({ driver: 'mqtt', topic: 'vigia/t1/ch4', json_path: 'value' })).toMatchObject({
        status: 200,
        body: { raw: 0.8, value: 1.6 },
      });
      // vigia-config probe with a decoder goes through the agent (its next lines); raw lines need
      // the port itself, which the agent holds: it says how to see values instead.
      const api2 = second.addresses().api;
      const cli = runNode(CONFIG_BIN, [
        'probe',
        lines.a,
        '--pattern',
        'EC=(?<value>[0-9.]+)',
        '--seconds',
        '1',
        '--api',
        api2,
        '--password-file',
        join(dir, 'pass.txt'),
      ]);
      const feed = setInterval(() => device.write('PH=7.1 EC=2.5\r\n'), 200);
      const viaAgent = await cli.finally(() => clearInterval(feed));
      expect(viaAgent.stderr).toBe('');
      expect(viaAgent.stdout).toContain(`el agente usa ${lines.a}`);
      expect(viaAgent.stdout).toMatch(/#1 valor 2\.5/);
      expect(viaAgent.code).toBe(0);
      const raw = await runNode(CONFIG_BIN, ['probe', lines.a, '--seconds', '1', '--api', api2]);
      expect(raw.code).toBe(2);
      expect(raw.stderr).toContain('add --pattern, --csv-column or --json-path');
      const unknown = await post({ driver: 'mqtt', topic: 'vigia/t9/ch4' });
      expect(unknown.status).toBe(409);
      expect(unknown.body.error.message).toContain('ningún sensor usa el tema vigia/t9/ch4');
    } finally {
      await new Promise<void>((res) => (device.isOpen ? device.close(() => res()) : res()));
      await second.stop();
      await lines.stop();
    }
  });
});

describe('vigia-config probe of a Modbus TCP address (agent in process, a Modbus TCP gateway on loopback)', () => {
  it('goes through the agent that reads that address; with no agent reading it, says what to do', async () => {
    const port = await freePort();
    const map = createRegisterMap();
    map.setFloat32(4, 42.5);
    const gw = await startModbusTcpGateway({ port, units: { 1: map } });
    const third = await startAgent(3, [
      `  - { id: plant.tcp, quantity: volumetric_flow, unit: m3/h, interval: 200ms, source: { driver: modbus-tcp, host: 127.0.0.1, port: ${port}, unit_id: 1, register: 0, type: float32 } }`,
    ]);
    try {
      const args = ['--modbus', '--unit', '1', '--register', '4', '--type', 'float32', '--seconds', '1'];
      const auth3 = ['--api', third.addresses().api, '--password-file', join(dir, 'pass.txt')];
      const r = await runNode(CONFIG_BIN, ['probe', `127.0.0.1:${port}`, ...args, ...auth3]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`el agente usa 127.0.0.1:${port}`);
      expect(r.stdout).toMatch(/#1 valor 42\.5/);
      expect(r.code).toBe(0);
      const other = await runNode(CONFIG_BIN, ['probe', `127.0.0.1:${await freePort()}`, ...args, ...auth3]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain('only through a running agent that reads that address');
    } finally {
      await third.stop();
      await gw.stop();
    }
  });
});
