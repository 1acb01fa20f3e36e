/**
 * The shipped reverse-proxy example (server/deploy/nginx/vigia.conf) in front of a real
 * vigia-server process, behind a real nginx with a self-signed certificate made here with
 * openssl: TLS and HTTP/2, http redirected to https, a sign-in that gets a `Secure` cookie
 * (VIGIA_TRUST_PROXY), the live stream flowing through unbuffered, a device's ingest, and
 * /metrics kept off. Only ports and file paths of the example are replaced; a replaced text
 * that is no longer in the example fails the test, so the example cannot drift unnoticed.
 * The edge forwarding through it: edge-through-nginx.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleNginx, startExampleNginx } from '../services/nginx.ts';
import { type ServerProcess, serverProcess } from '../support/server.ts';

const USER = { user: 'ana', role: 'operator', password: 'ana-long-password', site: 'mobile-plant' };

let dir: string;
let server: ServerProcess;
let nginx: ExampleNginx;
let cert: string;
let token: string;
let httpsPort: number;
let httpPort: number;

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One HTTP/1.1 request over TLS to the proxy, trusting only the test certificate. */
function request(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; port?: number; tls?: boolean } = {},
): Promise<Answer> {
  const port = opts.port ?? httpsPort;
  const lib = opts.tls === false ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      { host: 'localhost', port, path, method, headers: opts.headers, ...(opts.tls !== false && { ca: cert }) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const origin = () => `https://localhost:${httpsPort}`;

async function signIn(): Promise<{ answer: Answer; cookie: string }> {
  const answer = await request('POST', '/api/v1/login', {
    headers: { 'content-type': 'application/json', origin: origin() },
    body: JSON.stringify({ user: USER.user, password: USER.password }),
  });
  const setCookie = String(answer.headers['set-cookie'] ?? '');
  return { answer, cookie: setCookie.split(';')[0] };
}

const ingest = (value: number, ts: number) =>
  request('POST', '/api/v1/ingest', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device: 'plant-01', readings: [{ sensor: 'plant.ph', ts, value }] }),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-nginx-e2e-'));
  server = await serverProcess(join(dir, 'server'), {
    VIGIA_HOST: '127.0.0.1',
    VIGIA_LOG_LEVEL: 'warn',
    VIGIA_TRUST_PROXY: '127.0.0.1,::1',
  });
  token = await server.addDevice('plant-01', 'mobile-plant');
  await server.addUser(USER);
  await server.start();
  nginx = await startExampleNginx(server.port);
  ({ cert, httpsPort, httpPort } = nginx);
});

afterAll(async () => {
  await nginx?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigia-server behind the shipped nginx example', () => {
  it('speaks HTTP/2 over TLS, adds HSTS, and passes the server security headers through', async () => {
    const session = http2.connect(origin(), { ca: cert });
    try {
      const answer = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const req = session.request({ ':path': '/health' });
        req.on('response', (headers) => {
          req.resume();
          req.on('end', () => resolve(headers));
        });
        req.on('error', reject);
        req.end();
      });
      expect(session.alpnProtocol).toBe('h2');
      expect(answer[':status']).toBe(200);
      expect(answer['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(answer['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(answer['x-content-type-options']).toBe('nosniff');
    } finally {
      session.close();
    }
  });

  it('redirects plain http to https', async () => {
    const answer = await request('GET', '/api/v1/me', { port: httpPort, tls: false });
    expect(answer.status).toBe(301);
    expect(String(answer.headers.location)).toMatch(/^https:\/\/localhost/);
  });

  it('signs in over https with a Secure session cookie that then works through the proxy', async () => {
    const { answer, cookie } = await signIn();
    expect(answer.status, answer.body).toBe(200);
    const setCookie = String(answer.headers['set-cookie']);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/HttpOnly/);
    const me = await request('GET', '/api/v1/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ user: 'ana', sites: ['mobile-plant'] });
    // Directly on the server (plain http, not through the proxy) the cookie is not Secure.
    const direct = await fetch(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: USER.user, password: USER.password }),
    });
    expect(direct.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });

  it('takes a device ingest through the proxy with its token', async () => {
    const answer = await ingest(7.1, Date.now() - 60_000);
    expect(answer.status, answer.body).toBe(200);
    expect((await ingest(7, Date.now())).status).toBe(200);
    const noToken = await request('POST', '/api/v1/ingest', { body: '{}' });
    expect(noToken.status).toBe(401);
  });

  it('streams live events through the proxy as they happen (no buffering)', async () => {
    const { cookie } = await signIn();
    let text = '';
    const opened = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = https.get(
        { host: 'localhost', port: httpsPort, path: '/api/v1/live', headers: { cookie }, ca: cert },
        resolve,
      );
      req.on('error', reject);
      // A buffering proxy holds back even the response head of an SSE stream.
      setTimeout(() => reject(new Error('the live stream did not open through the proxy within 5 s')), 5_000).unref();
    });
    try {
      expect(opened.statusCode).toBe(200);
      expect(String(opened.headers['content-type'])).toMatch(/^text\/event-stream/);
      opened.setEncoding('utf8');
      opened.on('data', (d: string) => {
        text += d;
      });
      const ts = Date.now();
      // A single small event (a few hundred bytes): buffering would hold it back.
      const started = Date.now();
      expect((await ingest(8.25, ts)).status).toBe(200);
      while (!text.includes('8.25')) {
        if (Date.now() - started > 5_000) throw new Error(`no live event through the proxy within 5 s; got:\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(text).toMatch(/event: reading/);
    } finally {
      opened.destroy();
    }
  });

  it('keeps /metrics off the internet', async () => {
    expect((await request('GET', '/metrics')).status).toBe(404);
    // And the server itself refuses a proxied request, whatever the proxy config says.
    const viaHeader = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(viaHeader.status).toBe(403);
  });
});
