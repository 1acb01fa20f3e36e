// The compliance engine judges a site's days in the site's own zone, end to end through the
// HTTP API: an admin puts the site in Asia/Tokyo, a daily_mean breach covers the Tokyo day; the
// zone changed back to Bogotá re-judges the days (the breach keeps its id; its history says why).
import type { Reading } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, type TestApp } from '../../test-support/test-app.ts';
import type { BreachView } from '../compliance/views.ts';

const H = 3_600_000;
/** 2025-11-24 00:00 in Tokyo (UTC+9): 15:00Z the day before. */
const TOKYO_DAY = Date.UTC(2025, 10, 23, 15);
/** The Bogotá day (UTC−5) holding the first 14 h of that Tokyo day. */
const BOGOTA_DAY = Date.UTC(2025, 10, 23, 5);
const TSS = { id: 'tss', sensor: 'plant.tss', kind: 'max', max: 50, averaging: 'daily_mean', severity: 'breach' };

let t: TestApp;
let token = '';

const login = async (user: string) => {
  const res = await t.app.request('/api/v1/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ user, password: `${user}-password-for-tests` }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
};
const send = async (method: string, user: string, path: string, body: unknown) => {
  const res = await t.app.request(path, {
    method,
    headers: { cookie: await login(user), origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};
const ingest = async (readings: Reading[]) => {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      device: 'plant-01',
      sensors: [{ id: 'plant.tss', quantity: 'total_suspended_solids', unit: 'mg/L' }],
      readings,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await t.compliance.idle();
};
const breaches = async (state?: string) => {
  const q = `from=${TOKYO_DAY - 48 * H}&to=${TOKYO_DAY + 72 * H}${state ? `&state=${state}` : ''}`;
  const res = await t.app.request(`/api/v1/breaches?${q}`, { headers: { cookie: await login('maria') } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { breaches: BreachView[] }).breaches;
};

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(TOKYO_DAY - 30 * H);
  token = t.device('plant-01', 'mobile-plant');
  await t.signIn('root', 'admin');
  await t.signIn('maria', 'officer');
  await send('PUT', 'root', '/api/v1/sites/mobile-plant', { name: 'Planta', time_zone: 'Asia/Tokyo' });
  await ingest([{ sensor: 'plant.tss', ts: TOKYO_DAY - 30 * H, value: 0, q: 'good' }]);
  await send('PUT', 'maria', '/api/v1/permits', {
    permits: [{ id: 'vertimiento', title: 'Vertimientos', site: 'mobile-plant', rules: [TSS] }],
  });
  // Hourly: 100 mg/L through the Tokyo day, 0 the day before and after.
  const readings: Reading[] = [];
  for (let h = -24; h < 48; h++) {
    const ts = TOKYO_DAY + h * H;
    readings.push({ sensor: 'plant.tss', ts, value: h >= 0 && h < 24 ? 100 : 0, q: 'good' });
  }
  t.clock.set(TOKYO_DAY + 50 * H);
  await ingest(readings);
  t.compliance.tick();
  await t.compliance.idle();
}, 60_000);
afterAll(() => t.close());

describe('the engine in the site zone', () => {
  it('judges the Tokyo day: one breach from Tokyo midnight with a mean of 100', async () => {
    const found = (await breaches()).filter((b) => b.state !== 'withdrawn');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'tss', start: TOKYO_DAY, peak: 100 });
  });

  it('re-judges the days when the zone changes: the same breach now covers the Bogotá day, with its history', async () => {
    const [before] = await breaches();
    await send('PUT', 'root', '/api/v1/sites/mobile-plant', { name: 'Planta', time_zone: 'America/Bogota' });
    t.compliance.tick();
    await t.compliance.idle();
    const inForce = (await breaches()).filter((b) => b.state !== 'withdrawn');
    // The Bogotá day holding the first 14 h of the Tokyo day: 14 × 100 / 24 = 58.3 > 50.
    expect(inForce.map((b) => [b.id, b.start, Math.round(b.peak * 10) / 10])).toEqual([[before.id, BOGOTA_DAY, 58.3]]);
    const res = await t.app.request(`/api/v1/breaches/${before.id}/history`, {
      headers: { cookie: await login('maria') },
    });
    const { history } = (await res.json()) as { history: { change: string; reason: string }[] };
    expect(history.map((h) => h.reason)).toContain('zone_changed');
  });
});
