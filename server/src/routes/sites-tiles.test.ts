// PUT /api/v1/sites/:id/tiles: admin only, the site's own sensors, one area a sensor, audited; GET shows it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let admin = '';
beforeEach(async () => {
  t = await makeTestApp();
  const plant = t.device('plant-01', 'mobile-plant');
  const tunnel = t.device('tunnel-01', 'la-esperanza');
  const reading = (sensor: string) => ({ sensor, ts: T0, value: 1 });
  expect(
    (await postBatch(t, plant, { device: 'plant-01', readings: ['plant.ph', 'plant.out_ph'].map(reading) })).status,
  ).toBe(200);
  expect((await postBatch(t, tunnel, { device: 'tunnel-01', readings: [reading('tunnel.co')] })).status).toBe(200);
  admin = await t.signIn('root', 'admin');
});
afterEach(() => t.close());

const put = (cookie: string, id: string, body: unknown) =>
  t.app.request(`/api/v1/sites/${encodeURIComponent(id)}/tiles`, {
    method: 'PUT',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const LAYOUT = {
  areas: [
    { name: 'Vertimiento', sensors: ['plant.out_ph'] },
    { name: 'Agua de planta', sensors: ['plant.ph'] },
  ],
};

describe('PUT /api/v1/sites/:id/tiles', () => {
  it('stores the areas in order, shows them in GET /api/v1/sites, audits once, and null clears them', async () => {
    const res = await put(admin, 'mobile-plant', { tile_layout: LAYOUT });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ site: { id: 'mobile-plant', tile_layout: LAYOUT }, changed: true });
    // The same again writes nothing.
    expect(await (await put(admin, 'mobile-plant', { tile_layout: LAYOUT })).json()).toMatchObject({ changed: false });
    const operator = await t.signIn('ana', 'operator', ['mobile-plant']);
    const sites = (await (await t.app.request('/api/v1/sites', { headers: { cookie: operator } })).json()) as {
      sites: { id: string; tile_layout: unknown }[];
    };
    expect(sites.sites).toMatchObject([{ id: 'mobile-plant', tile_layout: LAYOUT }]);
    const audit = await t.app.request(`/api/v1/audit?from=0&to=${T0 + 86_400_000}`, { headers: { cookie: admin } });
    const entries = ((await audit.json()) as { entries: { action: string; detail: unknown }[] }).entries;
    expect(entries.filter((e) => e.action === 'site_tiles_changed')).toMatchObject([
      { detail: { site: 'mobile-plant', tile_layout: LAYOUT } },
    ]);
    expect(await (await put(admin, 'mobile-plant', { tile_layout: null })).json()).toMatchObject({
      site: { tile_layout: null },
      changed: true,
    });
  });

  it('is for admins only', async () => {
    for (const role of ['operator', 'officer', 'technician']) {
      const cookie = await t.signIn(`u-${role}`, role);
      expect((await put(cookie, 'mobile-plant', { tile_layout: LAYOUT })).status).toBe(403);
    }
  });

  it.each([
    [{ tile_layout: { areas: [{ name: 'Túnel', sensors: ['tunnel.co'] }] } }, 'tile_layout.areas[0].sensors[0]'],
    [
      {
        tile_layout: {
          areas: [
            { name: 'A', sensors: ['plant.ph'] },
            { name: 'B', sensors: ['plant.ph'] },
          ],
        },
      },
      'tile_layout.areas[1].sensors[0]',
    ],
    [{ tile_layout: { areas: [{ name: '  ', sensors: [] }] } }, 'tile_layout.areas[0].name'],
    [{ tile_layout: { areas: [{ name: '<b>x</b>', sensors: ['bad id'] }] } }, 'tile_layout.areas[0].sensors[0]'],
    [{ areas: [] }, ''],
  ])('refuses %j with 422 naming %s', async (body, path) => {
    const res = await put(admin, 'mobile-plant', body);
    expect(res.status).toBe(422);
    const err = ((await res.json()) as { error: { code: string; path?: string } }).error;
    expect(err.code).toBe('invalid_tiles');
    if (path) expect(err.path).toBe(path);
  });

  it('answers 404 for a site the admin may not see', async () => {
    const limited = await t.signIn('site-admin', 'admin', ['la-esperanza']);
    expect((await put(limited, 'mobile-plant', { tile_layout: LAYOUT })).status).toBe(404);
  });
});
