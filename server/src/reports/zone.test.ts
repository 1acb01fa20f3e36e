// A report in a site's own zone (not Bogotá), end to end through the HTTP API: the admin sets
// the zone, dates and days follow it, times print with its offset, and permits of sites in
// different zones need `site`.
import type { Reading } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, type TestApp } from '../../test-support/test-app.ts';

const MIN = 60_000;
/** 2025-11-24 00:00 in Tokyo (UTC+9, no daylight saving). */
const TOKYO_DAY = Date.UTC(2025, 10, 23, 15);
const at = (h: number, m = 0) => TOKYO_DAY + (h * 60 + m) * MIN;

let t: TestApp;
let officer = '';

const send = async (token: string, device: string, sensors: object[], readings: Reading[]) => {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device, sensors, readings }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};
const write = async (cookie: string, method: string, path: string, body: unknown) => {
  const res = await t.app.request(path, {
    method,
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};
const rule = (sensor: string) => ({
  id: 'limit',
  sensor,
  kind: 'max',
  max: 9,
  averaging: 'instant',
  pending: '5m',
  clear: '1m',
  severity: 'breach',
});
const get = (query: string) => t.app.request(`/api/v1/reports/compliance?${query}`, { headers: { cookie: officer } });

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(at(30));
  const plant = t.device('plant-01', 'mobile-plant');
  const tunnel = t.device('tunnel-01', 'la-esperanza');
  const admin = await t.signIn('root', 'admin');
  officer = await t.signIn('maria', 'officer');
  await write(admin, 'PUT', '/api/v1/sites/mobile-plant', { name: 'Planta', time_zone: 'Asia/Tokyo' });
  const ph = [{ id: 'plant.ph', name: 'pH', quantity: 'ph', unit: 'pH' }];
  const co = [{ id: 'tunnel.co', name: 'CO', quantity: 'carbon_monoxide', unit: 'ppm' }];
  await send(plant, 'plant-01', ph, [{ sensor: 'plant.ph', ts: at(0), value: 7, q: 'good' }]);
  await send(tunnel, 'tunnel-01', co, [{ sensor: 'tunnel.co', ts: at(0), value: 1, q: 'good' }]);
  await write(officer, 'PUT', '/api/v1/permits', {
    permits: [
      { id: 'vertimiento', title: 'Vertimientos', site: 'mobile-plant', rules: [rule('plant.ph')] },
      { id: 'tunel', title: 'Aire del túnel', site: 'la-esperanza', rules: [rule('tunnel.co')] },
    ],
  });
  // pH every 10 min over the whole Tokyo day; 9.8 from 09:00 to 09:50.
  const readings: Reading[] = [];
  for (let m = 0; m < 24 * 60; m += 10) {
    readings.push({ sensor: 'plant.ph', ts: at(0, m), value: m >= 540 && m < 600 ? 9.8 : 7, q: 'good' });
  }
  await send(plant, 'plant-01', ph, readings);
  await t.compliance.idle();
});
afterAll(() => t.close());

describe('a report in the site zone', () => {
  it('reads dates as Tokyo midnights, counts Tokyo days and prints times with +09:00', async () => {
    const res = await get('from=2025-11-24&to=2025-11-25&site=mobile-plant&format=csv');
    expect(res.status, await res.clone().text()).toBe(200);
    const csv = await res.text();
    expect(csv).toContain('"period_from","2025-11-24T00:00:00+09:00"');
    expect(csv).toContain('"period_to","2025-11-25T00:00:00+09:00"');
    expect(csv).toContain('"time_zone","Asia/Tokyo"');
    // One Tokyo day, fully covered (in Bogotá the same readings would straddle two days).
    expect(csv).toMatch(/"2025-11-24",24,24,100(,|\r?\n)/);
    expect(csv).not.toContain('"2025-11-23"');
    expect(csv).toContain('"2025-11-24T09:00:00+09:00"');
    expect(res.headers.get('content-disposition')).toContain('mobile-plant-2025-11-24-2025-11-24.csv');
  });

  it('names the zone in the HTML page', async () => {
    const html = await (await get('from=2025-11-24&to=2025-11-25&permit=vertimiento&format=html')).text();
    expect(html).toContain('Asia/Tokyo (UTC+09:00)');
    expect(html).toContain('2025-11-24 09:00');
  });

  it('asks for one site when the permits are on sites in different zones', async () => {
    const res = await get('from=2025-11-24&to=2025-11-25&format=csv');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; path: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_query', path: 'site' });
    expect(body.error.message).toContain('mobile-plant: Asia/Tokyo');
    const bogota = await get('from=2025-11-24&to=2025-11-25&site=la-esperanza&format=csv');
    expect(await bogota.text()).toContain('"period_from","2025-11-24T00:00:00-05:00"');
  });

  it('refuses a site the user does not know', async () => {
    const res = await get('from=2025-11-24&to=2025-11-25&site=nowhere&format=csv');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_query', path: 'site' } });
  });
});
