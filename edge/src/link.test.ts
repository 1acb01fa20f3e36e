/**
 * Edge to server over HTTPS with `server.ca_file` (a self-signed certificate pinned, as a site
 * without a public name would do): a real https server stands in for the ingest route, a real
 * MQTT publish goes in, `/status` and `vigia-config status` say the link is encrypted. With a
 * certificate the agent does not trust, nothing is sent and the readings stay buffered.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { EdgeStatus, IngestBatch } from '@vigia/shared';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/services/nginx.ts';
import { until } from '../../test/services/util.ts';
import { type Agent, createAgent } from './agent.ts';
import { loadConfigText } from './config.ts';

const CLI = join(import.meta.dirname, '..', '..', 'firmware-config', 'bin', 'vigia-config.mjs');
let dir: string;
let server: Server;
let url: string;
let received: { auth: string | undefined; readings: number }[];
let agent: Agent | undefined;

/** A certificate for 127.0.0.1 and its key; the certificate also goes to `<name>.pem` (a `ca_file`). */
function selfSigned(name: string) {
  const pair = selfSignedCertificate();
  writeFileSync(join(dir, `${name}.pem`), pair.cert);
  return pair;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-link-'));
  received = [];
  server = createServer(selfSigned('server'), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const batch = IngestBatch.parse(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()));
      received.push({ auth: req.headers.authorization, readings: batch.readings.length });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ accepted: batch.readings.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'device.token'), 'tok-secret\n');
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function startAgent(serverLine: string) {
  const text = `
device: { id: plant-01, site: mobile-plant }
server: ${serverLine}
buffer: { path: ./buffer.db, max_mb: 16 }
broker: { port: 0, host: 127.0.0.1, allow_anonymous: true }
api: { port: 0 }
sensors:
  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-1/ch4 } }
`;
  const loaded = loadConfigText(text, join(dir, 'edge.yaml'));
  agent = createAgent(loaded, {
    logger: pino({ level: 'silent' }),
    retry: { baseMs: 20, maxMs: 100 },
    sendBackoff: { baseMs: 20, maxMs: 100 },
  });
  return agent;
}

async function publish(a: Agent, value: string) {
  const node = await mqtt.connectAsync(a.addresses().broker, { reconnectPeriod: 0 });
  await node.publishAsync('vigia/tunnel-1/ch4', value, { qos: 1 });
  await node.endAsync();
}

describe('edge to server over https', () => {
  it('with server.ca_file pinning the server certificate: readings arrive; status and vigia-config say encrypted', async () => {
    const a = startAgent(`{ url: ${url}, token_file: ./device.token, ca_file: ./server.pem }`);
    await a.start();
    await publish(a, '0.4');
    await until(() => received.length > 0);
    expect(received[0]).toEqual({ auth: 'Bearer tok-secret', readings: 1 });
    const status = EdgeStatus.parse(await (await fetch(`${a.addresses().api}/status`)).json());
    expect(status.link).toEqual({ encrypted: true, trust: 'ca_file' });
    // Asynchronously: the agent answering it runs in this process.
    const cli = await promisify(execFile)(process.execPath, [CLI, 'status', '--api', a.addresses().api]);
    expect(JSON.parse(cli.stdout).link).toEqual({ encrypted: true, trust: 'ca_file' });
    expect(cli.stderr).toContain('Enlace al servidor: cifrado (https, CA del sitio / site CA)');
  });

  it('with a certificate the agent does not trust (another CA): nothing is sent, readings stay buffered', async () => {
    selfSigned('other');
    const a = startAgent(`{ url: ${url}, token_file: ./device.token, ca_file: ./other.pem }`);
    await a.start();
    await publish(a, '0.4');
    await until(() => a.status().forwarder.state === 'retrying', 5000);
    expect(received).toEqual([]);
    expect(a.buffer.stats().pending).toBe(1);
  });

  it('plain http to another machine with allow_insecure: true runs, with a warning in /status', async () => {
    const a = startAgent('{ url: "http://192.0.2.10:8080", token_file: ./device.token, allow_insecure: true }');
    await a.start();
    expect(a.status().link).toMatchObject({
      encrypted: false,
      trust: 'none',
      warning: expect.stringMatching(/sin cifrar.*in clear/),
    });
  });
});
