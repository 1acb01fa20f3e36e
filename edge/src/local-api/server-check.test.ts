import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeServerCheck } from '@vigia/shared';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/services/util.ts';
import { type ServerProcess, serverProcess } from '../../../test/support/server.ts';
import { type Agent, createAgent } from '../agent.ts';
import { loadConfig } from '../config.ts';
import { checkServer } from '../server-check.ts';
import { createHttpFetch } from '../transports/http-fetch.ts';
import { writePasswordFile } from './password-file.ts';

const PASS = 'correct horse';
const auth = { authorization: `Basic ${Buffer.from(`technician:${PASS}`).toString('base64')}` };
let dir: string;
let server: ServerProcess;
let token: string;
let otherToken: string;
let agent: Agent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-server-check-'));
  server = await serverProcess(join(dir, 'server'), { VIGIA_HOST: '127.0.0.1', VIGIA_LOG_LEVEL: 'warn' });
  token = await server.addDevice('plant-01', 'mobile-plant');
  otherToken = await server.addDevice('plant-02', 'mobile-plant');
  await server.start();
  writeFileSync(join(dir, 'device.token'), `${token}\n`);
  writePasswordFile(join(dir, 'tech.pass'), PASS);
  const file = join(dir, 'edge.yaml');
  writeFileSync(
    file,
    [
      'device: { id: plant-01, site: mobile-plant }',
      `server: { url: "${server.url}", token_file: ./device.token }`,
      'buffer: { path: ./buffer.db }',
      'broker: { port: 0, host: 127.0.0.1, allow_anonymous: true }',
      'api: { port: 0, password_file: ./tech.pass }',
      'sensors:',
      '  - { id: plant.ph, quantity: ph, unit: pH, source: { driver: mqtt, topic: vigia/plant-01/ph } }',
      '',
    ].join('\n'),
  );
  agent = createAgent(loadConfig(file), { logger: pino({ level: 'silent' }), syncCheck: async () => 'unknown' });
  await agent.start();
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const check = (over: Partial<Parameters<typeof checkServer>[0]>) =>
  checkServer({
    url: server.url,
    token,
    device: 'plant-01',
    fetch: createHttpFetch(),
    wall: Date.now,
    ...over,
  });

describe('POST /server-check against a real vigia-server process', () => {
  it('the technician asks; the server is reachable, the token accepted, with round trip and clock offset', async () => {
    const api = agent.addresses().api;
    expect((await fetch(`${api}/server-check`, { method: 'POST' })).status).toBe(401);
    const res = await fetch(`${api}/server-check`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    const body = EdgeServerCheck.parse(await res.json());
    expect(body).toMatchObject({ url: server.url, ok: true, reachable: true, http_status: 200, token: 'accepted' });
    expect(body.store_ok).toBe(true);
    expect(body.problems).toEqual([]);
    expect(body.rtt_ms).toBeGreaterThanOrEqual(0);
    // Same machine, same clock: the offset is within its own uncertainty (Date has whole seconds).
    expect(Math.abs(body.clock_offset_ms ?? Number.NaN)).toBeLessThanOrEqual(body.clock_uncertainty_ms ?? -1);
    expect(body.clock_uncertainty_ms).toBeGreaterThanOrEqual(500);
  });

  it('a wrong token, or another device’s, is refused in words that say what to do', async () => {
    const wrong = await check({ token: 'not-a-token' });
    expect(wrong).toMatchObject({ ok: false, reachable: true, http_status: 401, token: 'refused' });
    expect(wrong.problems.map((p) => p.code)).toEqual(['token_refused']);
    expect(wrong.problems[0].es).toContain('server.token_file');
    expect(wrong.problems[0].en).toContain('server.token_file');
    const other = await check({ token: otherToken });
    expect(other).toMatchObject({ ok: false, http_status: 403, token: 'refused' });
    expect(other.problems[0].code).toBe('token_other_device');
  });

  it('a device clock 20 s behind is reported as offset and as a problem; the rest still passes', async () => {
    const r = await check({ wall: () => Date.now() - 20_000 });
    expect(r.token).toBe('accepted');
    expect(r.clock_offset_ms).toBeGreaterThan(18_500);
    expect(r.clock_offset_ms).toBeLessThan(21_500);
    expect(r.problems.map((p) => p.code)).toEqual(['clock_off']);
    expect(r.problems[0].es).toMatch(/difiere 2\d s/);
  });

  it('nothing listening, or a web server that is not Vigía: unreachable / not_vigia, in words', async () => {
    const closed = await check({ url: `http://127.0.0.1:${await freePort()}` });
    expect(closed).toMatchObject({ ok: false, reachable: false, http_status: null, token: 'unknown', rtt_ms: null });
    expect(closed.problems[0].code).toBe('refused');
    expect(closed.problems[0].es).toContain('¿está corriendo vigia-server?');
    const agentApi = agent.addresses().api; // answers 404 JSON for /health: not a Vigía server
    const notVigia = await check({ url: agentApi });
    expect(notVigia).toMatchObject({ ok: false, reachable: true, http_status: 404 });
    expect(notVigia.problems[0].code).toBe('not_vigia');
    const dns = await check({ url: 'http://vigia-no-such-host.invalid' });
    expect(dns.problems[0].code).toBe('dns');
  });
});
