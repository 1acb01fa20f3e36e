import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorConfig } from '@vigia/shared';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBroker } from '../../broker/embedded-broker.ts';
import { brokerPermissions } from '../../broker/permissions.ts';
import { createBuffer, type ReadingBuffer } from '../../buffer/buffer.ts';
import { createPipeline } from '../../pipeline.ts';
import { createTelemetry, type Telemetry } from '../../telemetry.ts';
import type { MqttIntake } from '../../transports/mqtt-intake.ts';
import { create } from './mqtt.ts';

const sensors = [
  {
    id: 'tunnel.ch4',
    quantity: 'methane',
    unit: '%vol',
    source: { driver: 'mqtt', topic: 'vigia/tunnel-1/ch4', json_path: 'value' },
  },
  {
    id: 'tunnel.co',
    quantity: 'carbon_monoxide',
    unit: 'ppm',
    source: { driver: 'mqtt', topic: 'vigia/tunnel-1/co' },
    calibrate: { scale: 2, offset: 1 },
  },
].map((s) => SensorConfig.parse(s));

let dir: string;
let buffer: ReadingBuffer;
let broker: MqttIntake;
let telemetry: Telemetry;
let url: string;
let stopDriver: () => Promise<void>;
let probe: (source: Record<string, unknown>) => Promise<{ raw: number }>;
const clients: mqtt.MqttClient[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-mqtt-'));
  telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  // A long commit interval: the PUBACK must wait for it.
  buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 300 });
  buffer.open();
  broker = createEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: false,
    users: [{ username: 'node1', password: Buffer.from('pw-1') }],
    topics: new Set(['vigia/tunnel-1/ch4', 'vigia/tunnel-1/co']),
    permissions: brokerPermissions(
      [{ username: 'node1', topics: ['vigia/tunnel-1/ch4', 'vigia/tunnel-1/co'], retain: true, subscribe: [] }],
      undefined,
      [],
    ),
    limits: { maxPacketBytes: 65536, maxConnections: 64, connectionsPerMinute: 1000 },
    onError: () => undefined,
    onRefused: () => undefined,
  });
  await broker.start();
  url = broker.address();
  const pipeline = createPipeline(sensors, buffer, telemetry);
  const driver = create(
    sensors,
    {
      emit: pipeline.ingest,
      telemetry,
      clock: Date.now,
      retry: { baseMs: 10, maxMs: 20 },
      mqtt: broker,
    },
    { probeWaitMs: 400 },
  );
  probe = (source) => driver.probe!(SensorConfig.shape.source.parse({ driver: 'mqtt', ...source }));
  await driver.start();
  expect(driver.status().state).toBe('ok');
  stopDriver = () => driver.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await stopDriver();
  await broker.stop();
  buffer.close();
  rmSync(dir, { recursive: true, force: true });
});

const connect = async (opts: mqtt.IClientOptions = { username: 'node1', password: 'pw-1' }) => {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
};

describe('mqtt driver (real aedes broker, real mqtt.js client)', () => {
  it('QoS 1: the reading is committed in the buffer file when the PUBACK arrives', async () => {
    const reader = new Database(join(dir, 'b.db'), { readonly: true });
    const stored = () => reader.prepare('SELECT sensor, value FROM readings ORDER BY id').all();
    const node = await connect();
    await node.publishAsync('vigia/tunnel-1/co', '10', { qos: 1 }); // first: commits at once
    const before = Date.now();
    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 0.42 }), { qos: 1 });
    expect(Date.now() - before).toBeGreaterThanOrEqual(200); // waited for the group commit
    expect(stored()).toEqual([
      { sensor: 'tunnel.co', value: 21 }, // calibrated: 10 * 2 + 1
      { sensor: 'tunnel.ch4', value: 0.42 },
    ]);
    reader.close();
  });

  it("a node's next packet is read only once its previous publish is committed (broker/gated-connection.ts)", async () => {
    const node = await connect();
    await node.publishAsync('vigia/tunnel-1/co', '1', { qos: 1 }); // commits at once
    const t0 = Date.now();
    const a = node.publishAsync('vigia/tunnel-1/co', '2', { qos: 1 }).then(() => Date.now() - t0);
    await new Promise((r) => setTimeout(r, 50)); // its own TCP segment, while A waits for its commit
    const b = node.publishAsync('vigia/tunnel-1/co', '3', { qos: 1 }).then(() => Date.now() - t0);
    const [ackA, ackB] = await Promise.all([a, b]);
    // Read at once, B would have joined A's commit; it waited in the kernel and got one of its own.
    expect(ackB - ackA).toBeGreaterThanOrEqual(200);
    expect(buffer.take(10).map((r) => r.value)).toEqual([3, 5, 7]);
  });

  it('a malformed payload is counted with a code, acknowledged, and does not stop the driver', async () => {
    const node = await connect();
    await node.publishAsync('vigia/tunnel-1/ch4', '{"value":', { qos: 1 });
    await node.publishAsync('vigia/tunnel-1/co', 'offline', { qos: 1 });
    await node.publishAsync('vigia/tunnel-1/co', '3', { qos: 1 });
    const errors = await telemetry.registry.getSingleMetricAsString('vigia_errors_total');
    expect(errors).toMatch(/code="decode_invalid_json",stage="receive"} 1/);
    expect(errors).toMatch(/code="decode_not_a_number",stage="receive"} 1/);
    expect(buffer.take(10).map((r) => r.value)).toEqual([7]);
  });

  it('refuses bad credentials and anonymous clients', async () => {
    await expect(connect({ username: 'node1', password: 'wrong' })).rejects.toThrow(/Bad username or password/i);
    await expect(connect({})).rejects.toThrow(/Not authorized/i);
  });

  it('when the reading cannot be stored, withholds the PUBACK (the node will resend)', async () => {
    const node = await connect();
    buffer.close(); // storage now fails
    const closed = new Promise((r) => node.once('close', () => r(null)));
    const acked = node.publishAsync('vigia/tunnel-1/co', '5', { qos: 1 }).then(
      () => 'acked',
      () => 'failed',
    );
    const outcome = await Promise.race([acked, closed.then(() => 'connection closed, no puback')]);
    expect(outcome).toBe('connection closed, no puback');
  });

  it('a publish on a topic not granted to the user is refused: connection closed, nothing stored', async () => {
    const node = await connect();
    const closed = new Promise<void>((r) => node.once('close', () => r()));
    node.publish('some/other/topic', 'hello', { qos: 1 }, () => undefined);
    await closed;
    expect(buffer.stats().pending).toBe(0);
  });
});

/** A node speaking MQTT packet by packet (mqtt-packet over a socket), to send DUP resends. */
async function rawNode(clientId: string) {
  const sock = createConnection(Number(new URL(url).port), '127.0.0.1');
  const parser = mqttPacket.parser();
  const got: mqttPacket.Packet[] = [];
  let wake: (() => void) | undefined;
  parser.on('packet', (p) => {
    got.push(p);
    wake?.();
  });
  sock.on('data', (d) => parser.parse(d));
  const send = (p: mqttPacket.Packet) => sock.write(mqttPacket.generate(p));
  const next = async (cmd: string) => {
    for (;;) {
      const i = got.findIndex((p) => p.cmd === cmd);
      if (i >= 0) return got.splice(i, 1)[0];
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  };
  send({
    cmd: 'connect',
    clientId,
    username: 'node1',
    password: Buffer.from('pw-1'),
    protocolVersion: 4,
  } as mqttPacket.IConnectPacket);
  await next('connack');
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  const publishPacket = (messageId: number, payload: string, dup: boolean) =>
    send({ cmd: 'publish', topic: 'vigia/tunnel-1/co', payload, qos: 1, messageId, dup, retain: false });
  const publish = async (messageId: number, payload: string, dup: boolean) => {
    publishPacket(messageId, payload, dup);
    expect(await next('puback')).toMatchObject({ messageId });
  };
  return { publish, send: publishPacket, closed, close: () => sock.destroy() };
}

describe('QoS 1 resends (real aedes broker, packets written by hand)', () => {
  it('a DUP resend of a stored message is acknowledged and not stored again; a new message reusing its id is', async () => {
    const node = await rawNode('node-7');
    await node.publish(7, '3', false);
    await node.publish(7, '3', true); // its PUBACK "lost": the node resends
    await node.publish(7, '4', false); // a later message, same id
    await node.publish(8, '5', true); // DUP but never stored (e.g. first sent before a restart): stored
    node.close();
    expect(buffer.take(10).map((r) => r.value)).toEqual([7, 9, 11]); // calibrated: x * 2 + 1
  });

  it('a new message reusing a stored id, then lost with its connection and resent as DUP, is stored', async () => {
    const node = await rawNode('node-9');
    await node.publish(7, '3', false);
    buffer.close(); // storing now fails: no PUBACK, aedes closes the connection
    node.send(7, '4', false);
    await node.closed;
    buffer.open();
    const again = await rawNode('node-9');
    await again.publish(7, '4', true);
    again.close();
    expect(buffer.take(10).map((r) => r.value)).toEqual([7, 9]);
  });

  it('ids are per client: another node’s DUP with the same id is stored', async () => {
    const a = await rawNode('node-a');
    const b = await rawNode('node-b');
    await a.publish(1, '3', false);
    await b.publish(1, '4', true);
    a.close();
    b.close();
    expect(buffer.take(10).map((r) => r.value)).toEqual([7, 9]);
  });

  it('probe: the latest payload on a sensor topic, read with the probe’s own json_path; 504 / 409 / 422 in words', async () => {
    // Nothing published yet: the probe waits for the next payload, then times out in words.
    await expect(probe({ topic: 'vigia/tunnel-1/ch4', json_path: 'value' })).rejects.toMatchObject({
      status: 504,
      message: expect.stringContaining('no llegó nada en vigia/tunnel-1/ch4'),
    });
    const node = await connect();
    const waiting = probe({ topic: 'vigia/tunnel-1/ch4', json_path: 'temp' });
    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 0.42, temp: 19.5 }), { qos: 1 });
    expect(await waiting).toEqual({ raw: 19.5 }); // another key of the same payload, before saving it
    expect(await probe({ topic: 'vigia/tunnel-1/ch4', json_path: 'value' })).toEqual({ raw: 0.42 }); // the latest
    await expect(probe({ topic: 'vigia/tunnel-1/ch4', json_path: 'nope' })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('"{\\"value\\":0.42'),
    });
    await expect(probe({ topic: 'vigia/tunnel-9/ch4' })).rejects.toMatchObject({ status: 409, code: 'line_not_held' });
    expect(buffer.take(10).map((r) => r.value)).toEqual([0.42]); // a probe stores nothing
  });
});
