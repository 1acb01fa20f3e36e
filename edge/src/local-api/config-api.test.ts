import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from '../agent.ts';
import { loadConfig } from '../config.ts';
import { writePasswordFile } from './password-file.ts';

let dir: string;
let file: string;
let agent: Agent | undefined;
let blocker: Server | undefined;

const sensor = (id: string, topic: string) =>
  `  - { id: ${id}, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: ${topic} } }`;
const configText = (sensors: string[], brokerPort = 0) =>
  [
    'device: { id: plant-01, site: mobile-plant }',
    'server: { url: "http://127.0.0.1:9", token_file: ./device.token }',
    'buffer: { path: ./buffer.db }',
    `broker: { port: ${brokerPort}, host: 127.0.0.1, allow_anonymous: true }`,
    'api: { port: 0, password_file: ./tech.pass }',
    'sensors:',
    ...sensors,
    '',
  ].join('\n');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-config-api-'));
  file = join(dir, 'edge.yaml');
  writeFileSync(join(dir, 'device.token'), 'tok\n');
  writePasswordFile(join(dir, 'tech.pass'), 'correct horse');
  writeFileSync(file, configText([sensor('tunnel.ch4', 't/ch4')]));
  agent = createAgent(loadConfig(file), {
    logger: pino({ level: 'silent' }),
    syncCheck: async () => 'unknown',
    retry: { baseMs: 20, maxMs: 100 },
  });
  await agent.start();
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  blocker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function put(body: string, type = 'application/yaml', extra: Record<string, string> = {}) {
  const res = await fetch(`${agent?.addresses().api}/config`, {
    method: 'PUT',
    headers: {
      'content-type': type,
      authorization: `Basic ${Buffer.from('technician:correct horse').toString('base64')}`,
      ...extra,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}
const sensorIds = async () =>
  ((await (await fetch(`${agent?.addresses().api}/sensors`)).json()) as { sensors: { id: string }[] }).sensors.map(
    (s) => s.id,
  );

describe('PUT /config (agent in process, real HTTP)', () => {
  it('applies a config adding a sensor: /sensors shows it, the file is replaced and the old one kept as .bak', async () => {
    const before = readFileSync(file, 'utf8');
    const next = configText([sensor('tunnel.ch4', 't/ch4'), sensor('tunnel.co', 't/co')]);
    const r = await put(next);
    expect(r).toEqual({ status: 200, body: { applied: true, file, sensors: 2 } });
    expect(await sensorIds()).toEqual(['tunnel.ch4', 'tunnel.co']);
    expect(readFileSync(file, 'utf8')).toBe(next);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(before);
  });

  it('accepts JSON when the Content-Type says so', async () => {
    const json = {
      device: { id: 'plant-01', site: 'mobile-plant' },
      server: { url: 'http://127.0.0.1:9', token_file: './device.token' },
      buffer: { path: './buffer.db' },
      broker: { port: 0, host: '127.0.0.1', allow_anonymous: true },
      api: { port: 0, password_file: './tech.pass' },
      sensors: [{ id: 'tunnel.o2', quantity: 'methane', unit: '%vol', source: { driver: 'mqtt', topic: 't/o2' } }],
    };
    expect((await put(JSON.stringify(json), 'application/json')).status).toBe(200);
    expect(await sensorIds()).toEqual(['tunnel.o2']);
  });

  it('refuses a bad config with 422 naming the key; the agent keeps running the old one', async () => {
    const r = await put(configText([sensor('tunnel.ch4', 't/ch4').replace('%vol', 'ppm')]));
    expect(r.status).toBe(422);
    expect(r.body.error?.code).toBe('config_invalid');
    expect(r.body.error?.message).toContain(`${file}: sensors[0].unit`);
    expect((await put('device: [')).status).toBe(422);
    expect(await sensorIds()).toEqual(['tunnel.ch4']);
    expect(existsSync(`${file}.bak`)).toBe(false);
    expect(agent?.status().broker.state).toBe('ok');
  });

  it('a config that cannot start (broker port taken) is rolled back: 409, old config running, file unchanged', async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker?.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as AddressInfo).port;
    const before = readFileSync(file, 'utf8');
    const r = await put(configText([sensor('tunnel.co', 't/co')], taken));
    expect(r.status).toBe(409);
    expect(r.body.error?.code).toBe('config_rolled_back');
    expect(r.body.error?.message).toMatch(/EADDRINUSE/);
    expect(await sensorIds()).toEqual(['tunnel.ch4']);
    expect(agent?.status().broker.state).toBe('ok');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a change of device, buffer or api needs a restart: 422 naming the key', async () => {
    const r = await put(configText([sensor('tunnel.ch4', 't/ch4')]).replace('plant-01', 'plant-02'));
    expect(r.status).toBe(422);
    expect(r.body.error?.message).toMatch(/device: cannot change while the agent runs/);
  });

  it('refuses a PUT from a web page (Origin header, or a DNS-rebinding Host name) and changes nothing', async () => {
    const before = await sensorIds();
    const text = configText([sensor('tunnel.ch4', 't/ch4'), sensor('tunnel.co', 't/co')]);
    const fromPage = await put(text, 'application/yaml', { origin: 'http://evil.example' });
    expect(fromPage.status).toBe(403);
    expect(fromPage.body.error?.message).toMatch(/another web site/);
    // fetch may not set Host; a raw request can, as a rebinding browser's would carry it.
    const api = new URL(agent!.addresses().api);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: api.hostname,
          port: api.port,
          path: '/config',
          method: 'PUT',
          headers: {
            host: 'evil.example:8081',
            authorization: `Basic ${Buffer.from('technician:correct horse').toString('base64')}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end(text);
    });
    expect(rebound).toBe(403);
    expect(await sensorIds()).toEqual(before);
  });
});
