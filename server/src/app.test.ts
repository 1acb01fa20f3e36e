import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorBody } from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const OPEN_API_ROUTES = ['/api/v1/login', '/api/v1/ingest'];

describe('createApp', () => {
  it('rejects an anonymous request to every /api/v1 route except login and ingest with 401', async () => {
    t = await makeTestApp();
    const routes = t.app.routes.filter(
      (r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/') && !OPEN_API_ROUTES.includes(r.path),
    );
    // The walk must see the routes docs/api.md lists, or it proves nothing.
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      expect.arrayContaining([
        'GET /api/v1/audit',
        'GET /api/v1/breaches',
        'GET /api/v1/devices',
        'GET /api/v1/live',
        'GET /api/v1/me',
        'GET /api/v1/permits',
        'GET /api/v1/rules/status',
        'GET /api/v1/sensors',
        'GET /api/v1/series',
        'POST /api/v1/breaches/:id/ack',
        'POST /api/v1/logout',
        'PUT /api/v1/permits',
      ]),
    );
    for (const route of routes) {
      const path = route.path.replace(/:[^/]+/g, 'x').replace(/\*/g, 'x');
      const res = await t.app.request(path, { method: route.method });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('not_signed_in');
    }
  });

  it('answers an unknown /api path with a 404 ErrorBody', async () => {
    t = await makeTestApp();
    for (const method of ['GET', 'POST']) {
      const res = await t.app.request('/api/v2/nothing', { method });
      expect(res.status).toBe(404);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('not_found');
    }
  });

  it('maps a closed store to 503 and an unexpected error to a 500 that hides the detail', async () => {
    t = await makeTestApp();
    const cookie = await t.signIn('ana');
    const latest = t.store.latest;
    t.store.latest = async () => {
      throw new Error('disk on fire: /secret/path');
    };
    const crashed = await t.app.request('/api/v1/sensors', { headers: { cookie } });
    expect(crashed.status).toBe(500);
    const body = ErrorBody.parse(await crashed.json());
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toMatch(/secret/);
    t.store.latest = latest;
    await t.store.close();
    const closed = await t.app.request('/api/v1/sensors', { headers: { cookie } });
    expect(closed.status).toBe(503);
    expect(ErrorBody.parse(await closed.json()).error.code).toBe('store_closed');
    expect(await (await t.app.request('/metrics')).text()).toMatch(
      /^vigia_errors_total\{component="http",code="internal"\} 1$/m,
    );
  });

  it('answers /health and /metrics without a session', async () => {
    t = await makeTestApp();
    expect(await (await t.app.request('/health')).json()).toEqual({
      ok: true,
      store: { state: 'ok', detail: 'embedded store' },
    });
    const metrics = await t.app.request('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(
      /vigia_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1/,
    );
  });

  it('says in Spanish and English that the dashboard is not built when there is no index.html', async () => {
    t = await makeTestApp();
    const res = await t.app.request('/');
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toMatch(/no está construido/);
    expect(html).toMatch(/not built/);
    expect(html).toMatch(/npm start/);
  });

  it('serves the built dashboard: files, index.html for client routes, 404 for missing assets', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'vigia-dist-'));
    try {
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Vigía</title>');
      writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
      t = await makeTestApp({ dashboardDir: dist });
      const root = await t.app.request('/');
      expect(root.status).toBe(200);
      expect(await root.text()).toMatch(/<title>Vigía/);
      const js = await t.app.request('/assets/app.js');
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(await js.text()).toBe('console.log(1)');
      const route = await t.app.request('/sensores/plant.ph/history');
      expect(route.status).toBe(200);
      expect(await route.text()).toMatch(/<title>Vigía/);
      expect((await t.app.request('/assets/missing.js')).status).toBe(404);
      for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd']) {
        expect(await (await t.app.request(path)).text()).not.toMatch(/root:/);
      }
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
