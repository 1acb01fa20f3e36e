/**
 * The server facing a network, over real sockets (the peer address matters): trusted proxies,
 * security headers, and who may read /metrics.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { ErrorBody } from '@vigia/shared';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test-support/test-app.ts';
import { addUser } from '../cli/admin.ts';
import { securityHeaders } from './security-headers.ts';

let t: TestApp | undefined;
let server: ServerType | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await t?.close();
  t = undefined;
});

/** The app on a real port of every interface; returns the port. */
async function listen(options: Parameters<typeof makeTestApp>[0] = {}): Promise<number> {
  t = await makeTestApp(options);
  const app = t.app;
  return new Promise((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '0.0.0.0' }, (info: AddressInfo) => resolve(info.port));
  });
}

const login = (port: number, user: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ user, password }),
  });

/** This machine's first non-loopback IPv4 address: a peer that is not loopback. */
const lanAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

describe('VIGIA_TRUST_PROXY', () => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };

  it('ignores X-Forwarded-* from a peer that is not a trusted proxy: no Secure cookie, limits count the peer', async () => {
    const port = await listen();
    await addUser(t!.meta, t!.clock, { name: 'ana', role: 'operator', sites: ['a'], password: 'a long password' });
    const ok = await login(port, 'ana', 'a long password', forwarded);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).not.toMatch(/Secure/i);
    // Five failures "from" one forwarded address lock the peer itself out, whatever it claims next.
    for (let i = 0; i < 5; i++) expect((await login(port, 'ana', 'wrong', forwarded)).status).toBe(401);
    const other = await login(port, 'ana', 'wrong', { 'x-forwarded-for': '198.51.100.9' });
    expect(other.status).toBe(429);
  });

  it('from a trusted proxy: https gives a Secure cookie and each forwarded client has its own limit', async () => {
    const port = await listen({ trustProxy: ['127.0.0.1'] });
    await addUser(t!.meta, t!.clock, { name: 'ana', role: 'operator', sites: ['a'], password: 'a long password' });
    const ok = await login(port, 'ana', 'a long password', forwarded);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/; Secure/);
    const plain = await login(port, 'ana', 'a long password', { 'x-forwarded-proto': 'http' });
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);

    for (let i = 0; i < 5; i++) expect((await login(port, 'ana', 'wrong', forwarded)).status).toBe(401);
    expect((await login(port, 'ana', 'wrong', forwarded)).status).toBe(429);
    // Another client behind the same proxy is not locked out by the first one's failures;
    // a spoofed hop before the real one does not move the count either.
    expect((await login(port, 'ana', 'wrong', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(401);
    expect((await login(port, 'ana', 'wrong', { 'x-forwarded-for': '198.51.100.10, 203.0.113.7' })).status).toBe(429);
    // The audit log names the client, not the proxy.
    const failed = t!.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 100).filter((e) => e.action === 'login_failed');
    expect(failed.map((e) => e.detail.address)).toContain('203.0.113.7');
    expect(failed.map((e) => e.detail.address)).not.toContain('127.0.0.1');
  });
});

describe('security headers', () => {
  it('every answer (dashboard, API, errors) carries the CSP, nosniff, no framing and same-origin referrers', async () => {
    const dashboardDir = mkdtempSync(join(tmpdir(), 'vigia-dash-'));
    mkdirSync(join(dashboardDir, 'assets'), { recursive: true });
    writeFileSync(
      join(dashboardDir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/a.js"></script>',
    );
    writeFileSync(join(dashboardDir, 'assets', 'a.js'), 'export {};');
    const port = await listen({ dashboardDir });
    const base = `http://127.0.0.1:${port}`;
    const answers = await Promise.all([
      fetch(`${base}/`),
      fetch(`${base}/assets/a.js`),
      fetch(`${base}/health`),
      fetch(`${base}/api/v1/me`), // 401
      fetch(`${base}/api/v1/nothing`), // 404
      fetch(`${base}/api/v1/login`, { method: 'POST', body: '{' }), // 400/422
    ]);
    for (const res of answers) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, res.url).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 401, 404, expect.any(Number)]);
  });

  it("keeps a route's own policy (the report), adding frame-ancestors 'none' when it lacks it", async () => {
    const app = new Hono();
    app.use(securityHeaders());
    app.get('/own', (c) => {
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return c.html('<style>h1{}</style><h1>x</h1>');
    });
    app.get('/plain', (c) => c.text('x'));
    const own = await app.request('/own');
    expect(own.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await app.request('/plain')).headers.get('content-security-policy')).toMatch(/style-src 'self';/);
  });
});

describe('GET /metrics', () => {
  it('answers a direct loopback client, and refuses one that came through the proxy', async () => {
    const port = await listen({ trustProxy: ['127.0.0.1'] });
    const direct = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toMatch(/vigia_http_request_duration_seconds/);
    const proxied = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as ErrorBody).error.code).toBe('metrics_forbidden');
  });

  it('refuses a client on the network unless it sends the bearer token', async () => {
    const lan = lanAddress();
    if (!lan) throw new Error('this test needs a non-loopback IPv4 interface (e.g. the container network)');
    const port = await listen({ metricsToken: 'scrape-token-0123456789' });
    const url = `http://${lan}:${port}/metrics`;
    const none = await fetch(url);
    expect(none.status).toBe(403);
    expect(((await none.json()) as ErrorBody).error.message).toMatch(/VIGIA_METRICS_TOKEN/);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(403);
    const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/vigia_errors_total/);
  });
});
