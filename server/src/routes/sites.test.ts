// GET/PUT /api/v1/sites: roles, visibility, zone validation, audit; and the migration's default zone.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { MIGRATIONS, migrate } from '../meta/migrations.ts';

type SiteJson = {
  id: string;
  name: string | null;
  time_zone: string;
  updated_at: number | null;
  updated_by: string | null;
};

let t: TestApp;
let admin = '';
beforeEach(async () => {
  t = await makeTestApp();
  t.device('plant-01', 'mobile-plant');
  t.device('tunnel-01', 'la-esperanza');
  admin = await t.signIn('root', 'admin');
});
afterEach(() => t.close());

const list = async (cookie: string) => {
  const res = await t.app.request('/api/v1/sites', { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sites: SiteJson[] }).sites;
};
const put = (cookie: string, id: string, body: unknown) =>
  t.app.request(`/api/v1/sites/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const siteAudit = async () => {
  const res = await t.app.request(`/api/v1/audit?from=0&to=${T0 + 86_400_000}`, { headers: { cookie: admin } });
  const body = (await res.json()) as { entries: { actor: string; action: string; detail: Record<string, unknown> }[] };
  return body.entries.filter((e) => e.action === 'site_changed');
};

describe('GET /api/v1/sites', () => {
  it('lists every site for a user of all sites, each in America/Bogota until changed', async () => {
    const operator = await t.signIn('ana', 'operator');
    expect(await list(operator)).toEqual([
      { id: 'la-esperanza', name: null, time_zone: 'America/Bogota', updated_at: null, updated_by: null },
      { id: 'mobile-plant', name: null, time_zone: 'America/Bogota', updated_at: null, updated_by: null },
    ]);
  });

  it('shows a user only their own sites', async () => {
    const operator = await t.signIn('ana', 'operator', ['la-esperanza']);
    expect((await list(operator)).map((s) => s.id)).toEqual(['la-esperanza']);
  });

  it('needs a session', async () => {
    expect((await t.app.request('/api/v1/sites')).status).toBe(401);
  });
});

describe('PUT /api/v1/sites/:id', () => {
  it('sets name and zone (canonical spelling), answers what changed, and audits from → to', async () => {
    t.clock.set(T0 + 5000);
    const res = await put(admin, 'mobile-plant', { name: 'Planta móvil', time_zone: 'america/lima' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({
      site: {
        id: 'mobile-plant',
        name: 'Planta móvil',
        time_zone: 'America/Lima',
        updated_at: T0 + 5000,
        updated_by: 'root',
      },
      changed: ['name', 'time_zone'],
    });
    expect(t.meta.timeZoneOf('mobile-plant')).toBe('America/Lima');
    expect(t.meta.timeZoneOf('la-esperanza')).toBe('America/Bogota');
    expect(await siteAudit()).toEqual([
      {
        seq: expect.any(Number),
        ts: T0 + 5000,
        actor: 'root',
        action: 'site_changed',
        detail: {
          site: 'mobile-plant',
          name: { from: null, to: 'Planta móvil' },
          time_zone: { from: 'America/Bogota', to: 'America/Lima' },
        },
      },
    ]);
  });

  it('an unchanged site writes nothing and audits nothing', async () => {
    await put(admin, 'mobile-plant', { name: 'Planta', time_zone: 'America/Bogota' });
    const res = await put(admin, 'mobile-plant', { name: 'Planta', time_zone: 'America/Bogota' });
    expect(await res.json()).toMatchObject({ changed: [] });
    expect(await siteAudit()).toHaveLength(1);
  });

  it.each(['operator', 'officer', 'technician'])('refuses a %s (403) and changes nothing', async (role) => {
    const cookie = await t.signIn(`u-${role}`, role);
    const res = await put(cookie, 'mobile-plant', { name: 'X', time_zone: 'America/Lima' });
    expect(res.status).toBe(403);
    expect(t.meta.timeZoneOf('mobile-plant')).toBe('America/Bogota');
  });

  it('404 for an unknown site, and for a site the admin may not see', async () => {
    const res = await put(admin, 'nowhere', { name: 'X', time_zone: 'America/Lima' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'site_unknown', path: 'id' } });
    const limited = await t.signIn('site-admin', 'admin', ['la-esperanza']);
    expect((await put(limited, 'mobile-plant', { name: 'X', time_zone: 'America/Lima' })).status).toBe(404);
    expect((await put(limited, 'la-esperanza', { name: 'X', time_zone: 'America/Lima' })).status).toBe(200);
  });

  it.each([
    ['Mars/Olympus_Mons', 'time_zone'],
    ['-05:00', 'time_zone'],
    ['', 'time_zone'],
    ['America/Bogota; DROP', 'time_zone'],
  ])('refuses the zone %j with 422 naming %s', async (zone, path) => {
    const res = await put(admin, 'mobile-plant', { name: 'Planta', time_zone: zone });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; path: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_site', path });
    expect(t.meta.timeZoneOf('mobile-plant')).toBe('America/Bogota');
  });

  it.each([
    [{ time_zone: 'America/Lima' }, 'name'],
    [{ name: '  ', time_zone: 'America/Lima' }, 'name'],
    [{ name: 'P', time_zone: 'America/Lima', extra: 1 }, ''],
  ])('refuses the body %j with 422', async (body, path) => {
    const res = await put(admin, 'mobile-plant', body);
    expect(res.status).toBe(422);
    const err = ((await res.json()) as { error: { code: string; path?: string } }).error;
    expect(err.code).toBe('invalid_site');
    if (path) expect(err.path).toBe(path);
  });
});

describe('meta.db migration of sites', () => {
  it('gives a site created before the step the Bogotá zone and no name', () => {
    const step = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN time_zone'));
    const db = new Database(':memory:');
    for (let v = 0; v < step; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${step}`);
    db.prepare("INSERT INTO sites VALUES ('s', 1)").run();
    migrate(db);
    expect(db.prepare('SELECT id, name, time_zone FROM sites').get()).toEqual({
      id: 's',
      name: null,
      time_zone: 'America/Bogota',
    });
    db.close();
  });
});
