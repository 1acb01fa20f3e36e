import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { ReadlineParser, SerialPort } from 'serialport';
import { afterEach, expect, it } from 'vitest';
import { type MosquittoService, startMosquitto } from '../services/mosquitto.ts';
import { type PtyPair, startPtyPair } from '../services/socat.ts';
import { freePort } from '../services/util.ts';
import type { RecordLine } from './record.ts';
import { demoSensors } from './sensors.ts';
import { ModbusMaster } from './transports/modbus.ts';

const REPO = resolve(import.meta.dirname, '../..');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startSimulator(args: string[]): { proc: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/simulator/main.ts', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exit;
    }
  });
  return { proc, out: () => out, exit };
}

function readRecord(path: string): RecordLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordLine);
}

it('sends every demo sensor on its wire, records exactly what it sent, and stops on SIGTERM', async () => {
  const broker: MosquittoService = await startMosquitto();
  cleanups.push(() => broker.stop());
  const serialPair: PtyPair = await startPtyPair();
  cleanups.push(() => serialPair.stop());
  const modbusPair: PtyPair = await startPtyPair();
  cleanups.push(() => modbusPair.stop());
  const dir = mkdtempSync(join(tmpdir(), 'vigia-sim-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const recordPath = join(dir, 'sent.jsonl');

  // what the edge would do: subscribe, read the line probe, poll the flow computer
  const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => sub.endAsync(true));
  await sub.subscribeAsync('vigia/#', { qos: 1 });
  const mqttGot: { topic: string; value: number }[] = [];
  sub.on('message', (topic, payload) => mqttGot.push({ topic, value: JSON.parse(payload.toString()).value }));
  const reader = new SerialPort({ path: serialPair.a, baudRate: 9600 });
  cleanups.push(() => new Promise((r) => reader.close(r)));
  const lines: string[] = [];
  reader.pipe(new ReadlineParser({ delimiter: '\r\n' })).on('data', (l: string) => lines.push(l));

  const sim = startSimulator([
    '--mqtt',
    broker.url,
    '--serial-line',
    serialPair.b,
    '--modbus',
    modbusPair.b,
    '--rate-ms',
    '200',
    '--seed',
    '3',
    '--record',
    recordPath,
  ]);
  const sensors = demoSensors({ serialLinePort: serialPair.a, modbusPort: modbusPair.a });
  const ids = sensors.map((s) => s.id);
  await until(
    () => new Set(readRecord(recordPath).map((r) => r.sensor)).size === ids.length && lines.length >= 2,
    10_000,
    `a record line for every sensor; output so far:\n${sim.out()}`,
  );
  expect(sim.out()).toMatch(/mqtt: publishing 5 sensors/);
  expect(sim.out()).toMatch(/serial-line: probe on/);
  expect(sim.out()).toMatch(/modbus-rtu: slave unit 1 on/);

  const master = new ModbusMaster();
  await master.connectRTUBuffered(modbusPair.a, { baudRate: 9600 });
  cleanups.push(() => new Promise((r) => master.close(() => r(undefined))));
  master.setID(1);
  master.setTimeout(2000);
  const regs = (await master.readHoldingRegisters(0, 6)).buffer;
  const modbusValues = [regs.readFloatBE(0), regs.readFloatBE(4), regs.readFloatBE(8)];

  process.kill(sim.proc.pid!, 'SIGTERM');
  expect(await sim.exit).toBe(0);
  expect(sim.out()).toMatch(/stopped/);
  const record = readRecord(recordPath);
  const recorded = (id: string) => record.filter((r) => r.sensor === id).map((r) => r.value);

  // MQTT: every value the broker acknowledged was recorded, and arrived intact on its topic
  const mqttSensors = sensors.filter((x) => x.source.driver === 'mqtt');
  const onTopic = (s: (typeof sensors)[number]) =>
    mqttGot.filter((m) => m.topic === (s.source as { topic: string }).topic).map((m) => m.value);
  // the broker acknowledges before it forwards: let the last ones reach the subscriber
  await until(
    () => mqttSensors.every((s) => onTopic(s).length >= recorded(s.id).length),
    3000,
    'every recorded MQTT value at the subscriber',
  );
  for (const s of mqttSensors) {
    const got = onTopic(s);
    expect(got.length, s.id).toBeGreaterThan(0);
    expect(got.slice(0, recorded(s.id).length), s.id).toEqual(recorded(s.id));
  }
  // serial: each line carries the recorded pH and turbidity, and the edge's patterns find them
  const patterns = sensors.filter((x) => x.source.driver === 'serial-line');
  expect(lines[0]).toMatch(/^PH=\d+\.\d{2};TURB=\d+\.\d$/);
  await until(() => lines.length >= recorded('plant.discharge_ph').length, 3000, 'every recorded line at the reader');
  // a line may be on the wire when SIGTERM closes the port before it is recorded: at most one
  expect(lines.length - recorded('plant.discharge_ph').length).toBeLessThanOrEqual(1);
  lines.slice(0, recorded('plant.discharge_ph').length).forEach((line, i) => {
    for (const s of patterns) {
      const value = Number(new RegExp((s.source as { pattern: string }).pattern).exec(line)?.groups?.value);
      expect(value, `${s.id} in ${line}`).toBe(recorded(s.id)[i]);
    }
  });
  // Modbus: what the master read is one of the values recorded for each register
  expect(recorded('plant.ore_feed')).toContain(modbusValues[0]);
  expect(recorded('plant.water_in')).toContain(modbusValues[1]);
  expect(recorded('plant.water_recirc')).toContain(modbusValues[2]);
  for (const r of record) expect(typeof r.sent_at).toBe('number');
}, 15_000);

it('waits for a broker that starts after it (MQTT only), then publishes', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vigia-sim-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const recordPath = join(dir, 'sent.jsonl');
  const sim = startSimulator(['--mqtt', `mqtt://127.0.0.1:${port}`, '--rate-ms', '100', '--record', recordPath]);
  await until(() => /ECONNREFUSED/.test(sim.out()), 8000, `a connection error; output:\n${sim.out()}`);
  expect(readRecord(recordPath)).toEqual([]);
  const broker = await startMosquitto({ port });
  cleanups.push(() => broker.stop());
  await until(() => readRecord(recordPath).length >= 20, 8000, `recorded values; output:\n${sim.out()}`);
  await until(() => /mqtt: connected to/.test(sim.out()), 3000, `the connected line; output:\n${sim.out()}`);
  expect(new Set(readRecord(recordPath).map((r) => r.sensor))).toEqual(new Set(demoSensors().map((s) => s.id)));
  process.kill(sim.proc.pid!, 'SIGTERM');
  expect(await sim.exit).toBe(0);
});

it('refuses an unknown option with a usage message and exit code 2', async () => {
  const sim = startSimulator(['--mqtt', 'mqtt://127.0.0.1:1', '--bogus']);
  expect(await sim.exit).toBe(2);
  expect(sim.out()).toMatch(/bogus/);
  expect(sim.out()).toMatch(/usage:/);
});

it('takes a password that starts with "-" in the --name=value form (as the stack passes it)', async () => {
  const port = await freePort();
  const sim = startSimulator(['--mqtt', `mqtt://127.0.0.1:${port}`, '--mqtt-user=n', '--mqtt-password=-Xy_z']);
  await until(() => /ECONNREFUSED/.test(sim.out()), 8000, `a connection attempt; output:\n${sim.out()}`);
  process.kill(sim.proc.pid!, 'SIGTERM');
  expect(await sim.exit).toBe(0);
});
