// Who sees which site: a user created without sites sees none (every route that lists or reads
// by site), `--all-sites` sees all, and users from before the users.all_sites migration keep seeing all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { addUser } from '../cli/admin.ts';
import { openMeta } from '../meta/meta.ts';
import { MIGRATIONS } from '../meta/migrations.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ heartbeatMs: 50 });
  const token = t.device('plant-01', 'mobile-plant');
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({
      device: 'plant-01',
      readings: [{ sensor: 'plant.ph', ts: T0, value: 7 }],
      status: { backlog: 0, dropped: 0 },
    }),
  });
  expect(res.status).toBe(200);
});
afterEach(() => t.close());

async function signInAs(name: string, sites: string[], allSites: boolean): Promise<string> {
  await addUser(t.meta, t.clock, { name, role: 'admin', sites, allSites, password: `${name}-long-password` });
  const res = await t.app.request('/api/v1/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ user: name, password: `${name}-long-password` }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

const get = async (cookie: string, path: string) => {
  const res = await t.app.request(path, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown[]> };
};

describe('site visibility', () => {
  it('a user created without sites sees no sensor, device or series, and says so in /me', async () => {
    const cookie = await signInAs('nadie', [], false);
    expect((await get(cookie, '/api/v1/me')).body).toMatchObject({ sites: [], all_sites: false });
    expect((await get(cookie, '/api/v1/sensors')).body.sensors).toEqual([]);
    expect((await get(cookie, '/api/v1/devices')).body.devices).toEqual([]);
    const series = await get(cookie, `/api/v1/series?sensor=plant.ph&from=${T0 - 1000}&to=${T0 + 1000}`);
    expect(series.status).toBe(404);
  });

  it('--all-sites sees every site; a site list sees only those sites', async () => {
    const all = await signInAs('todo', [], true);
    expect((await get(all, '/api/v1/me')).body).toMatchObject({ sites: [], all_sites: true });
    expect((await get(all, '/api/v1/sensors')).body.sensors).toHaveLength(1);
    expect((await get(all, '/api/v1/devices')).body.devices).toHaveLength(1);
    const other = await signInAs('otro', ['tunnel-1'], false);
    expect((await get(other, '/api/v1/sensors')).body.sensors).toEqual([]);
    const own = await signInAs('propio', ['mobile-plant'], false);
    expect((await get(own, '/api/v1/sensors')).body.sensors).toHaveLength(1);
  });

  it('a user without sites gets no live snapshot', async () => {
    const cookie = await signInAs('nadie', [], false);
    const res = await t.app.request('/api/v1/live', { headers: { cookie } });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // Several heartbeats: a snapshot would come before the first ping.
    while ((text.match(/event: ping/g) ?? []).length < 2) text += (await reader.read()).value ?? '';
    await reader.cancel();
    expect(text).not.toMatch(/event: reading/);
  });
});

describe('the users.all_sites migration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every existing user seeing what they saw: an empty list meant all sites', () => {
    const file = join(dir, 'meta.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('all_sites'));
    expect(before).toBeGreaterThan(0);
    for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${before}`);
    const add = db.prepare(
      "INSERT INTO users (name, role, sites, password_hash, created_at) VALUES (?, 'admin', ?, 'x', 0)",
    );
    add.run('old-admin', '[]');
    add.run('old-officer', '["mobile-plant"]');
    db.close();
    const meta = openMeta(file);
    try {
      expect(meta.userByName('old-admin')).toMatchObject({ sites: [], all_sites: true });
      expect(meta.userByName('old-officer')).toMatchObject({ sites: ['mobile-plant'], all_sites: false });
    } finally {
      meta.close();
    }
  });
});
