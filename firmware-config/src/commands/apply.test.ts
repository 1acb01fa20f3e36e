import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../run-cli.ts';

// A stand-in for the agent's local API: records PUT /config, answers like the agent does.
const puts: { type?: string; auth?: string; body: string }[] = [];
let answer = { status: 200, body: { applied: true, sensors: 1 } as object };
const api = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (req.method === 'PUT' && req.url === '/config')
      puts.push({ type: req.headers['content-type'], auth: req.headers.authorization, body });
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
});
let apiUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => api.close(() => r())));

const dir = mkdtempSync(join(tmpdir(), 'vigia-apply-'));
const good = [
  'device: { id: plant-01, site: mobile-plant }',
  'server: { url: "http://localhost:8080", token_file: ./device.token }',
  'sensors:',
  '  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-1/ch4 } }',
].join('\n');

describe('vigia-config apply (real process, stand-in agent API)', () => {
  it('validates locally, then PUTs the file as YAML and reports the agent answer', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, good);
    const r = await run('apply', file, '--api', apiUrl);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('applied');
    expect(puts.at(-1)).toEqual({ type: 'application/yaml', auth: undefined, body: good });
  });

  it('sends the password from --password-file as Basic technician:<password>; a 401 says how to pass it', async () => {
    const file = join(dir, 'good-auth.yaml');
    writeFileSync(file, good);
    const pass = join(dir, 'tech.txt');
    writeFileSync(pass, 'correct horse\n');
    const r = await run('apply', file, '--api', apiUrl, '--password-file', pass);
    expect(r.status).toBe(0);
    expect(puts.at(-1)?.auth).toBe(`Basic ${Buffer.from('technician:correct horse').toString('base64')}`);
    const saved = answer;
    answer = { status: 401, body: { error: { code: 'unauthorized', message: 'the technician password is needed' } } };
    const refused = await run('apply', file, '--api', apiUrl);
    answer = saved;
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--password-file');
    const missing = await run('apply', file, '--api', apiUrl, '--password-file', join(dir, 'nope'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read --password-file');
  });

  it('sends nothing when the file is not valid here', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, good.replace('%vol', 'ppm'));
    const before = puts.length;
    const r = await run('apply', file, '--api', apiUrl);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('sensors[0].unit');
    expect(puts.length).toBe(before);
  });

  it("shows the agent's refusal (rolled back) and exits 1", async () => {
    const file = join(dir, 'good2.yaml');
    writeFileSync(file, good);
    answer = {
      status: 409,
      body: { error: { code: 'config_rolled_back', message: 'the new config could not start (EADDRINUSE)' } },
    };
    const r = await run('apply', file, '--api', apiUrl);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('HTTP 409');
    expect(r.stderr).toContain('EADDRINUSE');
  });
});
