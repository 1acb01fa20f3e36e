/**
 * Fuzzing one agent (embedded broker, an MQTT sensor, a serial-line sensor on a socat pty, the
 * local API) with at least 10,000 cases per input, then checking the agent still runs and still
 * takes readings from its other sensors: raw random bytes and mutated mqtt-packet packets on
 * the broker port, random bytes on the serial line, random methods/paths/bodies on the local API.
 * Cases run in small parallel batches so the whole file takes seconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeStatus } from '@vigia/shared';
import fc from 'fast-check';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { pino } from 'pino';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../test/services/socat.ts';
import { until } from '../../test/services/util.ts';
import { type Agent, createAgent } from './agent.ts';
import { loadConfigText } from './config.ts';

const CASES = 10_000;
const BATCH = 100;
let dir: string;
let pair: PtyPair;
let agent: Agent;
let brokerPort: number;
let device: SerialPort;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-fuzz-'));
  pair = await startPtyPair();
  writeFileSync(join(dir, 'device.token'), 'tok\n');
  writeFileSync(join(dir, 'node1.pw'), 'pw-1\n');
  const text = `
device: { id: plant-01, site: mobile-plant }
server: { url: "http://127.0.0.1:9", token_file: ./device.token }
buffer: { path: ./buffer.db, max_mb: 64 }
broker:
  port: 0
  host: 127.0.0.1
  users: [{ username: node1, password_file: ./node1.pw, topics: [vigia/tunnel-1/ch4] }]
  limits: { connections_per_minute: 100000, max_connections: 1000 }
api: { port: 0 }
sensors:
  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-1/ch4 } }
  - { id: plant.ph, quantity: ph, unit: pH, source: { driver: serial-line, port: ${pair.a}, pattern: "PH=(?<value>-?[0-9.]+)" } }
`;
  agent = createAgent(loadConfigText(text, join(dir, 'edge.yaml')), {
    logger: pino({ level: 'silent' }),
    retry: { baseMs: 20, maxMs: 100 },
    sendBackoff: { baseMs: 1000, maxMs: 5000 },
  });
  await agent.start();
  brokerPort = Number(new URL(agent.addresses().broker).port);
  device = new SerialPort({ path: pair.b, baudRate: 9600, autoOpen: false });
  await new Promise<void>((res, rej) => device.open((e) => (e ? rej(e) : res())));
}, 30_000);

afterAll(async () => {
  await new Promise<void>((r) => (device?.isOpen ? device.close(() => r()) : r()));
  await agent?.stop();
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pending = () => agent.buffer.stats().pending;

/** The agent still runs and still takes readings from both sensors. */
async function stillWorks() {
  const before = pending();
  const node = await mqtt.connectAsync(agent.addresses().broker, {
    reconnectPeriod: 0,
    username: 'node1',
    password: 'pw-1',
  });
  await node.publishAsync('vigia/tunnel-1/ch4', '0.5', { qos: 1 });
  await node.endAsync();
  expect(pending()).toBeGreaterThan(before);
  const afterMqtt = pending();
  await new Promise<void>((res) => device.write('\nPH=7.25\n', () => device.drain(() => res())));
  await until(() => pending() > afterMqtt);
  const status = EdgeStatus.parse(await (await fetch(`${agent.addresses().api}/status`)).json());
  expect(status.broker.state).toBe('ok');
  expect(status.drivers.every((d) => d.state === 'ok')).toBe(true);
}

/** Opens a connection, writes the bytes, closes; resolves when closed (by either side) or after 100 ms. */
function throwAt(bytes: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const sock = createConnection(brokerPort, '127.0.0.1');
    sock.on('error', () => undefined);
    const timer = setTimeout(() => sock.destroy(), 20);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    sock.on('connect', () => {
      for (const b of bytes) sock.write(b);
      sock.end();
    });
  });
}

async function inBatches<T>(cases: T[], run: (c: T) => Promise<void>) {
  for (let i = 0; i < cases.length; i += BATCH) await Promise.all(cases.slice(i, i + BATCH).map(run));
}

const CONNECT = mqttPacket.generate({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clean: true,
  clientId: 'fuzz',
  keepalive: 30,
  username: 'node1',
  password: Buffer.from('pw-1'),
});

/** Valid packets of many kinds, from mqtt-packet, to be mutated. */
const packetArb = fc.oneof(
  fc
    .record({
      topic: fc.string({ maxLength: 40 }),
      payload: fc.uint8Array({ maxLength: 64 }),
      qos: fc.constantFrom(0, 1),
      retain: fc.boolean(),
      messageId: fc.integer({ min: 1, max: 65535 }),
    })
    .map((p) =>
      mqttPacket.generate({
        cmd: 'publish',
        dup: false,
        ...p,
        topic: p.topic || 'x',
        payload: Buffer.from(p.payload),
        qos: p.qos as 0 | 1,
      }),
    ),
  fc
    .record({ topic: fc.string({ minLength: 1, maxLength: 40 }), messageId: fc.integer({ min: 1, max: 65535 }) })
    .map((p) =>
      mqttPacket.generate({ cmd: 'subscribe', messageId: p.messageId, subscriptions: [{ topic: p.topic, qos: 1 }] }),
    ),
  fc.constant(mqttPacket.generate({ cmd: 'pingreq' })),
  fc.constant(CONNECT),
);
/** A valid packet mutated: bytes flipped, cut short, or its length field lying. */
const mutatedArb = fc
  .tuple(
    packetArb,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat()),
    fc.boolean(),
  )
  .map(([p, flips, cut, lie]) => {
    const b = Buffer.from(p);
    for (const [at, v] of flips) b[at % b.length] = v;
    if (lie && b.length > 1) b[1] = 0xff;
    return cut === null ? b : b.subarray(0, cut % (b.length + 1));
  });

describe(`fuzz: ${CASES} cases per input, one agent`, () => {
  it('raw random bytes on the broker port, with and without a valid CONNECT first', async () => {
    const cases = fc.sample(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 })), { numRuns: CASES, seed: 13 });
    await inBatches(cases, ([login, bytes]) => throwAt(login ? [CONNECT, Buffer.from(bytes)] : [Buffer.from(bytes)]));
    await stillWorks();
  }, 120_000);

  it('mqtt-packet packets mutated (flipped bytes, cut short, lying lengths) after a valid CONNECT', async () => {
    const cases = fc.sample(fc.array(mutatedArb, { minLength: 1, maxLength: 3 }), { numRuns: CASES, seed: 14 });
    await inBatches(cases, (packets) => throwAt([CONNECT, ...packets]));
    await stillWorks();
    // Lying lengths over 64 KB were refused from the header, and counted (broker/refusals.ts).
    const metrics = await (await fetch(`${agent.addresses().api}/metrics`)).text();
    expect(Number(/^vigia_mqtt_refused_total\{action="packet"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  }, 120_000);

  it('random bytes on the serial line', async () => {
    const cases = fc.sample(fc.uint8Array({ maxLength: 120 }), { numRuns: CASES, seed: 15 });
    for (let i = 0; i < cases.length; i += 500) {
      const chunk = Buffer.concat(cases.slice(i, i + 500).map((c) => Buffer.from(c)));
      await new Promise<void>((res) => device.write(chunk, () => device.drain(() => res())));
    }
    await stillWorks();
  }, 120_000);

  it('random methods, paths and bodies on every local API route: never a 5xx', async () => {
    const api = agent.addresses().api;
    const routes = ['/status', '/sensors', '/metrics', '/config', '/nope', '/status?x=%ff', '//config'];
    const cases = fc.sample(
      fc.record({
        method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'),
        path: fc.oneof(fc.constantFrom(...routes), fc.webPath()),
        body: fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.json(),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
      }),
      { numRuns: CASES, seed: 16 },
    );
    const statuses = new Map<number, number>();
    const fiveHundreds: { method: string; path: string; body: string }[] = [];
    await inBatches(cases, async ({ method, path, body }) => {
      const res = await fetch(`${api}${path.startsWith('/') ? path : `/${path}`}`, {
        method,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        headers: { 'content-type': 'application/yaml' },
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && fiveHundreds.length < 3) fiveHundreds.push({ method, path, body: body.slice(0, 80) });
    });
    expect(fiveHundreds).toEqual([]);
    // PUT /config was tried with random bodies: the running config is unchanged.
    expect(
      agent
        .status()
        .drivers.map((d) => d.id)
        .sort(),
    ).toEqual(['mqtt', `serial-line:${pair.a}`]);
    await stillWorks();
  }, 120_000);
});
