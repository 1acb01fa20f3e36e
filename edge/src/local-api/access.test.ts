import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from '../agent.ts';
import { loadConfig } from '../config.ts';
import { verifyPassword } from './access.ts';
import { writePasswordFile } from './password-file.ts';

let dir: string;
let file: string;
let agent: Agent | undefined;

const configText = (api: string, command = '') =>
  [
    'device: { id: plant-01, site: mobile-plant }',
    'server: { url: "http://127.0.0.1:9", token_file: ./device.token }',
    'buffer: { path: ./buffer.db }',
    'broker: { port: 0, host: 127.0.0.1, allow_anonymous: true }',
    `api: { port: 0${api} }`,
    'sensors:',
    '  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: t/ch4 } }',
    ...(command ? ['safety:', `  command: { on: ["${command}"], off: ["${command}"] }`] : []),
    '',
  ].join('\n');

async function start(api: string, password?: string) {
  dir = mkdtempSync(join(tmpdir(), 'vigia-access-'));
  file = join(dir, 'edge.yaml');
  writeFileSync(join(dir, 'device.token'), 'tok\n');
  if (password) writePasswordFile(join(dir, 'tech.pass'), password);
  writeFileSync(file, configText(api));
  agent = createAgent(loadConfig(file), {
    logger: pino({ level: 'silent' }),
    syncCheck: async () => 'unknown',
    retry: { baseMs: 20, maxMs: 100 },
  });
  await agent.start();
  return agent.addresses().api;
}

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const PASS = 'correct horse';

async function call(api: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/yaml', ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    cookie: res.headers.get('set-cookie'),
    body: JSON.parse(text) as { error?: { code: string; message: string }; applied?: boolean; role?: string },
  };
}
const failures = async (api: string) =>
  Number(
    /vigia_api_auth_failures_total\{role="technician"\} (\d+)/.exec(
      await (await fetch(`${api}/metrics`)).text(),
    )?.[1] ?? 0,
  );

describe('local API access (agent in process, real HTTP)', () => {
  it('with no password set, every change route answers 403 saying how to set one', async () => {
    const api = await start('');
    const next = configText('');
    for (const [method, path, body] of [
      ['PUT', '/config', next],
      ['PUT', '/password', '{"password":"something long"}'],
      ['POST', '/probe', '{"source":{"driver":"mqtt","topic":"t/ch4"}}'],
      ['POST', '/server-check', ''],
    ] as const) {
      const r = await call(api, method, path, { authorization: basic('technician', 'anything') }, body);
      expect(r.status, path).toBe(403);
      expect(r.body.error?.message).toContain('vigia-edge passwd --config');
    }
    expect((await call(api, 'GET', '/status')).status).toBe(200); // reads stay open
  });

  it('refuses every change route without credentials, and wrong ones are refused, counted and then locked out', async () => {
    const api = await start(', password_file: ./tech.pass', PASS);
    const next = configText(', password_file: ./tech.pass');
    for (const [method, path, body] of [
      ['PUT', '/config', next],
      ['PUT', '/password', '{"password":"another long one"}'],
      ['POST', '/probe', '{"source":{"driver":"mqtt","topic":"t/ch4"}}'],
      ['POST', '/server-check', ''],
    ] as const) {
      const r = await call(api, method, path, {}, body);
      expect(r.status, path).toBe(401);
      expect(r.body.error?.message).toMatch(/technician password is needed/);
    }
    expect(await failures(api)).toBe(0); // no credentials is not a wrong password
    const wrong = await call(api, 'PUT', '/config', { authorization: basic('technician', 'nope nope') }, next);
    expect(wrong.status).toBe(401);
    expect(await failures(api)).toBe(1);
    // The viewer user or any other name cannot change anything either.
    expect((await call(api, 'PUT', '/config', { authorization: basic('admin', PASS) }, next)).status).toBe(401);
    expect(await failures(api)).toBe(2);
    const ok = await call(api, 'PUT', '/config', { authorization: basic('technician', PASS) }, next);
    expect(ok.status).toBe(200);
    for (let i = 0; i < 3; i++) await call(api, 'PUT', '/config', { authorization: basic('technician', 'x') }, next);
    expect(await failures(api)).toBe(5);
    const locked = await call(api, 'PUT', '/config', { authorization: basic('technician', PASS) }, next);
    expect(locked.status).toBe(429); // even the right password waits out the window
    expect((await call(api, 'POST', '/login', {}, JSON.stringify({ password: PASS }))).status).toBe(429);
  });

  it('a page from another origin cannot change anything, even with a session cookie or the password', async () => {
    const api = await start(', password_file: ./tech.pass', PASS);
    const next = configText(', password_file: ./tech.pass');
    const own = { origin: api };
    const evil = { origin: 'http://evil.example' };
    expect((await call(api, 'POST', '/login', evil, JSON.stringify({ password: PASS }))).status).toBe(403);
    const login = await call(api, 'POST', '/login', own, JSON.stringify({ password: PASS }));
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const session = { cookie: (login.cookie ?? '').split(';')[0] };
    expect((await call(api, 'PUT', '/config', { ...session, ...evil }, next)).status).toBe(403);
    expect(
      (await call(api, 'PUT', '/config', { authorization: basic('technician', PASS), ...evil }, next)).status,
    ).toBe(403);
    expect((await call(api, 'PUT', '/config', session, next)).status).toBe(403); // cookie without Origin
    expect((await call(api, 'POST', '/server-check', { ...session, ...evil })).status).toBe(403); // sends the token out
    expect((await call(api, 'PUT', '/config', { ...session, ...own }, next)).status).toBe(200);
    await call(api, 'POST', '/logout', { ...session, ...own });
    expect((await call(api, 'PUT', '/config', { ...session, ...own }, next)).status).toBe(401);
  });

  it('PUT /password replaces the hash (0600) and ends the sessions; the old password stops working', async () => {
    const api = await start(', password_file: ./tech.pass', PASS);
    const r = await call(api, 'PUT', '/password', { authorization: basic('technician', PASS) }, '{"password":"short"}');
    expect(r.status).toBe(422);
    const ok = await call(
      api,
      'PUT',
      '/password',
      { authorization: basic('technician', PASS) },
      '{"password":"battery staple"}',
    );
    expect(ok.status).toBe(200);
    const hash = readFileSync(join(dir, 'tech.pass'), 'utf8');
    expect(hash).not.toContain('battery');
    expect(verifyPassword('battery staple', hash)).toBe(true);
    const next = configText(', password_file: ./tech.pass');
    expect((await call(api, 'PUT', '/config', { authorization: basic('technician', PASS) }, next)).status).toBe(401);
    expect(
      (await call(api, 'PUT', '/config', { authorization: basic('technician', 'battery staple') }, next)).status,
    ).toBe(200);
  });

  it('the API cannot change safety.command, server.token_file or api.*: "change it in the file on disk"', async () => {
    const api = await start(', password_file: ./tech.pass', PASS);
    const auth = { authorization: basic('technician', PASS) };
    writeFileSync(join(dir, 'other.token'), 'tok\n');
    const cases = [
      ['safety.command', configText(', password_file: ./tech.pass', '/bin/true')],
      ['server.token_file', configText(', password_file: ./tech.pass').replace('./device.token', './other.token')],
      ['api', configText(', password_file: ./other.pass')],
    ] as const;
    for (const [key, text] of cases) {
      const r = await call(api, 'PUT', '/config', auth, text);
      expect(r.status, key).toBe(422);
      expect(r.body.error?.message).toContain(
        `${key}: cannot be changed through the API: change it in the file on disk`,
      );
    }
    expect(readFileSync(file, 'utf8')).toBe(configText(', password_file: ./tech.pass'));
  });
});
