import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EdgeSensors, EdgeStatus, IngestBatch } from '@vigia/shared';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../test/services/util.ts';
import { type Agent, createAgent } from './agent.ts';
import { parseConfig } from './config.ts';

let dir: string;
let ingest: Server;
let ingestUrl: string;
let received: { at: number; batch: IngestBatch }[];
let agent: Agent | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-agent-'));
  received = [];
  // A real HTTP server standing in for the server's ingest route.
  ingest = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const batch = IngestBatch.parse(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()));
      received.push({ at: Date.now(), batch });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ accepted: batch.readings.length }));
    });
  });
  await new Promise<void>((r) => ingest.listen(0, '127.0.0.1', r));
  ingestUrl = `http://127.0.0.1:${(ingest.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  for (const c of cleanups.splice(0)) await c();
  await new Promise((r) => ingest.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function configText(broker: string) {
  return `
device: { id: plant-01, site: mobile-plant }
server: { url: ${ingestUrl}, token_file: ./device.token }
buffer: { path: ./buffer.db, max_mb: 16 }
broker: ${broker}
api: { port: 0 }
sensors:
  - id: tunnel.ch4
    name: Metano túnel 1
    quantity: methane
    unit: "%vol"
    source: { driver: mqtt, topic: vigia/tunnel-1/ch4, json_path: value }
    calibrate: { points: [{ raw: 0, value: 0 }, { raw: 4, value: 2 }] }
`;
}

function startAgent(broker: string) {
  const config = parseConfig(configText(broker), join(dir, 'edge.yaml'));
  agent = createAgent(
    { file: join(dir, 'edge.yaml'), config, token: 'tok', brokerUsers: [], pem: {} },
    { logger: pino({ level: 'silent' }), retry: { baseMs: 20, maxMs: 100 }, sendBackoff: { baseMs: 20, maxMs: 100 } },
  );
  return agent;
}

describe('agent (embedded broker, stand-in ingest endpoint)', () => {
  it('a QoS 1 publish reaches the ingest endpoint within about a second, calibrated, with sensor metadata', async () => {
    const a = startAgent('{ port: 0, host: 127.0.0.1, allow_anonymous: true }');
    await a.start();
    const node = await mqtt.connectAsync(a.addresses().broker, { reconnectPeriod: 0 });
    cleanups.push(() => node.endAsync());
    const sentAt = Date.now();
    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 1 }), { qos: 1 });
    await until(() => received.length > 0, 3000);
    expect(received[0].at - sentAt).toBeLessThan(1500);
    expect(received[0].batch.readings).toEqual([
      { sensor: 'tunnel.ch4', ts: expect.any(Number), value: 0.5, q: 'good' },
    ]);
    expect(received[0].batch.sensors).toEqual([
      { id: 'tunnel.ch4', name: 'Metano túnel 1', quantity: 'methane', unit: '%vol' },
    ]);
    await until(() => a.buffer.stats().pending === 0);

    const api = a.addresses().api;
    const status = EdgeStatus.parse(await (await fetch(`${api}/status`)).json());
    expect(status.device).toEqual({ id: 'plant-01', site: 'mobile-plant' });
    expect(status.forwarder).toMatchObject({ state: 'ok', sent_total: 1 });
    expect(status.buffer).toMatchObject({ pending: 0, dropped: 0, quarantined: 0 });
    expect(status.broker).toMatchObject({ state: 'ok', address: a.addresses().broker });
    expect(status.drivers).toEqual([
      expect.objectContaining({ id: 'mqtt', driver: 'mqtt', state: 'ok', sensors: ['tunnel.ch4'] }),
    ]);

    const sensors = EdgeSensors.parse(await (await fetch(`${api}/sensors`)).json());
    expect(sensors.sensors[0]).toMatchObject({ id: 'tunnel.ch4', driver: 'mqtt', latest: { raw: 1, value: 0.5 } });

    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/^vigia_received_total 1$/m);
    expect(metrics).toMatch(/^vigia_sent_total 1$/m);
    expect(metrics).toMatch(/^vigia_buffer_pending 0$/m);
    expect(metrics).toMatch(/^vigia_dropped_total 0$/m);
  });

  it('server down: a PUBACKed reading stays buffered across stop and restart', async () => {
    await new Promise((r) => ingest.close(r)); // server down: readings stay buffered
    ingest = createHttpServer();
    await new Promise<void>((r) => ingest.listen(0, '127.0.0.1', r));
    const a = startAgent('{ port: 0, host: 127.0.0.1, allow_anonymous: true }');
    await a.start();
    const node = await mqtt.connectAsync(a.addresses().broker, { reconnectPeriod: 0 });
    await node.publishAsync('vigia/tunnel-1/ch4', '{"value":2}', { qos: 1 });
    await node.endAsync(true);
    await a.stop();
    agent = undefined;
    const again = startAgent('{ port: 0, host: 127.0.0.1, allow_anonymous: true }');
    again.buffer.open();
    expect(again.buffer.take(10).map((r) => r.value)).toEqual([1]);
    again.buffer.close();
    agent = undefined;
  });

  it('with broker.url, subscribes to an existing broker at QoS 1 (second aedes as the existing broker)', async () => {
    const external = await Aedes.createBroker();
    const srv = createNetServer(external.handle);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    cleanups.push(() => new Promise<void>((r) => external.close(() => srv.close(() => r()))));
    const a = startAgent(`{ url: "${url}" }`);
    await a.start();
    await until(() => a.status().broker.state === 'ok');
    // The subscription is made on connect; wait until the broker has it.
    await new Promise((r) => setTimeout(r, 100));
    const node = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    cleanups.push(() => node.endAsync());
    await node.publishAsync('vigia/tunnel-1/ch4', '{"value":4}', { qos: 1 });
    await until(() => received.length > 0, 3000);
    expect(received[0].batch.readings[0]).toMatchObject({ sensor: 'tunnel.ch4', value: 2 });
    expect(a.status().broker.address).toBe(url);
  });
});
