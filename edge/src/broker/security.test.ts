/**
 * The embedded broker's protections over real TCP and TLS sockets (mqtt.js and raw bytes):
 * per-user publish/subscribe permissions, the alarm topic reserved to the agent, retained
 * publishes only where allowed, refusals counted, the packet-size limit, connection limits, TLS.
 */
import { createConnection } from 'node:net';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/services/nginx.ts';
import { createMqttClientIntake } from '../transports/mqtt-client.ts';
import type { MqttIntake } from '../transports/mqtt-intake.ts';
import { createEmbeddedBroker, type RefusedAction } from './embedded-broker.ts';
import { brokerPermissions } from './permissions.ts';

const SENSORS = ['vigia/tunnel-1/ch4', 'vigia/tunnel-2/ch4'];
const ALARM = 'vigia/plant-01/alarm';

let broker: MqttIntake | undefined;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await broker?.stop();
  broker = undefined;
});

async function start(
  opts: {
    limits?: Partial<{ maxPacketBytes: number; maxConnections: number; connectionsPerMinute: number }>;
    tls?: { cert: string; key: string };
  } = {},
) {
  const refused: { action: RefusedAction; user: string | undefined; detail: string }[] = [];
  const stored: string[] = [];
  broker = createEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: false,
    users: [
      { username: 'node1', password: Buffer.from('pw-1') },
      { username: 'node2', password: Buffer.from('pw-2') },
      { username: 'siren', password: Buffer.from('pw-s') },
      { username: 'bridge', password: Buffer.from('pw-b') },
    ],
    topics: new Set(SENSORS),
    permissions: brokerPermissions(
      [
        { username: 'node1', topics: [SENSORS[0]], retain: false, subscribe: [] },
        { username: 'node2', topics: [SENSORS[1]], retain: true, subscribe: [] },
        { username: 'siren', topics: [], retain: false, subscribe: [ALARM] },
        { username: 'bridge', topics: [], retain: false, subscribe: [SENSORS[0]] },
      ],
      undefined,
      [ALARM],
    ),
    limits: { maxPacketBytes: 65536, maxConnections: 64, connectionsPerMinute: 1000, ...opts.limits },
    tls: opts.tls,
    onError: () => undefined,
    onRefused: (action, user, detail) => refused.push({ action, user, detail }),
  });
  broker.attach(async (topic, payload) => {
    stored.push(`${topic}=${Buffer.from(payload).toString()}`);
  });
  await broker.start();
  return { url: broker.address(), port: Number(new URL(broker.address()).port), refused, stored };
}

async function connect(url: string, username: string, password: string, extra: mqtt.IClientOptions = {}) {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, username, password, ...extra });
  clients.push(c);
  return c;
}

/** Whether a connection gets its CONNACK (false on a close, an error or a refusal). */
function connects(url: string, username: string, password: string, extra: mqtt.IClientOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 2000, username, password, ...extra });
    clients.push(c);
    c.once('connect', () => resolve('connected'));
    c.once('error', (err) => resolve(`error: ${err.message}`));
    c.once('close', () => resolve('closed'));
  });
}

/** The QoS granted per filter (128: refused). */
function granted(c: mqtt.MqttClient, filters: string | string[]): Promise<number[]> {
  return new Promise((resolve) =>
    c.subscribe(filters, { qos: 1 }, (err, g) => {
      // mqtt.js reports a SUBACK with a refusal (128) as an error carrying the packet.
      const suback = (err as unknown as { packet?: { granted: number[] } } | null)?.packet;
      resolve(suback ? suback.granted : (g ?? []).map((x) => x.qos));
    }),
  );
}

/** Publishes at QoS 1; resolves 'acked' or 'closed' (a refused publish closes the connection). */
function outcome(c: mqtt.MqttClient, topic: string, payload: string, retain = false): Promise<'acked' | 'closed'> {
  return new Promise((resolve) => {
    c.once('close', () => resolve('closed'));
    c.publish(topic, payload, { qos: 1, retain }, (err) => !err && resolve('acked'));
  });
}

describe('embedded broker permissions (real TCP, mqtt.js)', () => {
  it('a user publishes only its own sensor topics; never the alarm topic; retained only where allowed', async () => {
    const b = await start();
    expect(await outcome(await connect(b.url, 'node1', 'pw-1'), SENSORS[0], '0.4')).toBe('acked');
    expect(await outcome(await connect(b.url, 'node1', 'pw-1'), SENSORS[1], '9.9')).toBe('closed');
    expect(await outcome(await connect(b.url, 'node1', 'pw-1'), ALARM, '{"state":"closed"}', true)).toBe('closed');
    expect(await outcome(await connect(b.url, 'node2', 'pw-2'), ALARM, '{}')).toBe('closed');
    expect(await outcome(await connect(b.url, 'node1', 'pw-1'), SENSORS[0], '0.5', true)).toBe('closed');
    expect(await outcome(await connect(b.url, 'node2', 'pw-2'), SENSORS[1], '0.6', true)).toBe('acked');
    expect(b.stored).toEqual([`${SENSORS[0]}=0.4`, `${SENSORS[1]}=0.6`]);
    expect(b.refused.filter((r) => r.action === 'publish').map((r) => [r.user, r.detail.split(':')[0]])).toEqual([
      ['node1', SENSORS[1]],
      ['node1', ALARM],
      ['node2', ALARM],
      ['node1', SENSORS[0]],
    ]);
  });

  it('subscribing: nothing by default (not even #), only the listed filters; the agent still publishes alarms', async () => {
    const b = await start();
    const node = await connect(b.url, 'node1', 'pw-1');
    expect(await granted(node, ['#', SENSORS[0], ALARM])).toEqual([128, 128, 128]);
    const siren = await connect(b.url, 'siren', 'pw-s');
    expect(await granted(siren, ALARM)).toEqual([1]);
    expect(await granted(siren, 'vigia/#')).toEqual([128]);
    const got = new Promise<string>((r) => siren.on('message', (t, p) => r(`${t}=${p}`)));
    await broker!.publish(ALARM, '{"state":"open"}', { retain: true });
    expect(await got).toBe(`${ALARM}={"state":"open"}`);
    expect(b.refused.filter((r) => r.action === 'subscribe').map((r) => [r.user, r.detail])).toEqual([
      ['node1', '#'],
      ['node1', SENSORS[0]],
      ['node1', ALARM],
      ['siren', 'vigia/#'],
    ]);
  });

  it('a bad password is refused and counted with the username', async () => {
    const b = await start();
    expect(await connects(b.url, 'node1', 'wrong')).toMatch(/Bad username or password|Not authorized/i);
    expect(b.refused).toEqual([{ action: 'connection', user: 'node1', detail: 'bad username or password' }]);
  });
});

describe('embedded broker limits (raw TCP)', () => {
  const connectPacket = mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: 'raw',
    keepalive: 30,
    username: 'node1',
    password: Buffer.from('pw-1'),
  });

  /** Sends bytes on a fresh socket; resolves when the broker closes it (or 'open' after ms). */
  function sendRaw(port: number, bytes: Buffer[], ms = 2000): Promise<'closed' | 'open'> {
    return new Promise((resolve) => {
      const sock = createConnection(port, '127.0.0.1');
      sock.on('error', () => undefined);
      const timer = setTimeout(() => {
        sock.destroy();
        resolve('open');
      }, ms);
      sock.on('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
      sock.on('connect', () => {
        for (const b of bytes) sock.write(b);
      });
    });
  }

  it('a packet over the size limit closes that connection only, before its body is sent', async () => {
    const b = await start({ limits: { maxPacketBytes: 1024 } });
    const other = await connect(b.url, 'node2', 'pw-2');
    // Header only: a PUBLISH announcing 10 MB. The broker must not wait for (or buffer) the body.
    const header = Buffer.from([0x30, 0x80, 0x80, 0x80, 0x05]);
    expect(await sendRaw(b.port, [connectPacket, header], 3000)).toBe('closed');
    const malformed = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(await sendRaw(b.port, [connectPacket, malformed], 3000)).toBe('closed');
    expect(b.refused.filter((r) => r.action === 'packet').map((r) => r.detail.replace(/^[^:]+:\d*:? ?/, ''))).toEqual([
      expect.stringMatching(/over the limit of 1024/),
      expect.stringMatching(/malformed/),
    ]);
    expect(await outcome(other, SENSORS[1], '1.5')).toBe('acked');
    // A packet just under the limit passes.
    const c = await connect(b.url, 'node1', 'pw-1');
    expect(await outcome(c, SENSORS[0], '1'.padEnd(900, ' '))).toBe('acked');
  });

  it('connection attempts per address per minute are capped; maximum connections too', async () => {
    const b = await start({ limits: { connectionsPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect(await connects(b.url, 'node1', 'pw-1', { clientId: `n${i}` })).toBe('connected');
    expect(await connects(b.url, 'node1', 'pw-1', { clientId: 'n4' })).not.toBe('connected');
    expect(b.refused.some((r) => r.action === 'connection' && /over 3 connections a minute/.test(r.detail))).toBe(true);
    await broker!.stop();
    const c = await start({ limits: { maxConnections: 2 } });
    expect(await connects(c.url, 'node1', 'pw-1', { clientId: 'a' })).toBe('connected');
    expect(await connects(c.url, 'node2', 'pw-2', { clientId: 'b' })).toBe('connected');
    expect(await connects(c.url, 'siren', 'pw-s', { clientId: 'c' })).not.toBe('connected');
    expect(c.refused.some((r) => r.action === 'connection' && /over 2 connections open/.test(r.detail))).toBe(true);
  });
});

describe('embedded broker over TLS', () => {
  it('serves mqtts with the configured certificate; a client trusting it as CA publishes; plain MQTT is refused', async () => {
    const { cert, key } = selfSignedCertificate();
    const b = await start({ tls: { cert, key } });
    expect(b.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const node = await connect(b.url, 'node1', 'pw-1', { ca: cert });
    expect(await outcome(node, SENSORS[0], '0.9')).toBe('acked');
    expect(b.stored).toEqual([`${SENSORS[0]}=0.9`]);
    expect(await connects(b.url, 'node1', 'pw-1')).toMatch(/self-signed|certificate/i);
    expect(await connects(b.url.replace('mqtts:', 'mqtt:'), 'node1', 'pw-1')).not.toBe('connected');
    expect(b.refused.some((r) => r.action === 'connection' && r.detail.startsWith('TLS:'))).toBe(true);

    // The same broker as an "existing broker" for another agent's intake: mqtts:// with ca_file.
    const got: string[] = [];
    const intake = createMqttClientIntake({
      url: b.url.replace('mqtts://', 'mqtts://bridge:pw-b@'),
      clientId: 'vigia-edge-other',
      topics: new Set([SENSORS[0]]),
      ca: cert,
      onError: () => undefined,
    });
    intake.attach(async (topic, payload) => {
      got.push(`${topic}=${Buffer.from(payload).toString()}`);
    });
    await intake.start();
    try {
      const end = Date.now() + 5000;
      while (intake.status().state !== 'ok' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200)); // the SUBACK
      expect(await outcome(node, SENSORS[0], '1.1')).toBe('acked');
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([`${SENSORS[0]}=1.1`]);
    } finally {
      await intake.stop();
    }
  });
});
