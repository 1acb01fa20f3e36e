// GET /api/v1/reports/compliance through the real app: engine-found breach, acknowledgement,
// CSV download and HTML page, roles and parameter errors.
import type { Reading } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, type TestApp } from '../../test-support/test-app.ts';

const MIN = 60_000;
/** 2025-11-24 00:00 in Bogotá. */
const DAY = Date.UTC(2025, 10, 24, 5);
const at = (h: number, m = 0) => DAY + (h * 60 + m) * MIN;
const SENSORS = [{ id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' }];
const NOTE = 'Se ajustó la dosificación de cal; pH normal a las 10:05';

let t: TestApp;
let officer: string;
let operator: string;

async function ingest(token: string, readings: Reading[]) {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device: 'plant-01', sensors: SENSORS, readings }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** pH every 5 min, none 12:00–14:00, 9.8 from 09:15 to 09:55. */
function phDay(): Reading[] {
  const out: Reading[] = [];
  for (let m = 5; m < 24 * 60; m += 5) {
    if (m >= 12 * 60 && m < 14 * 60) continue;
    out.push({ sensor: 'plant.ph', ts: at(0, m), value: m >= 555 && m < 600 ? 9.8 : 7.2, q: 'good' });
  }
  return out;
}

const get = (query: string, cookie = officer) =>
  t.app.request(`/api/v1/reports/compliance?${query}`, { headers: { cookie } });
const period = `from=${DAY}&to=${DAY + 86_400_000}`;

beforeAll(async () => {
  t = await makeTestApp();
  // The day after the scenario (sessions last 12 h, so the clock is set before signing in).
  t.clock.set(at(26));
  const token = t.device('plant-01');
  officer = await t.signIn('maria', 'officer');
  operator = await t.signIn('ana', 'operator');
  await ingest(token, [{ sensor: 'plant.ph', ts: at(0), value: 7.2, q: 'good' }]);
  const permit = permitOf([
    {
      id: 'ph',
      sensor: 'plant.ph',
      kind: 'range',
      min: 6,
      max: 9,
      averaging: 'instant',
      pending: '5m',
      clear: '1m',
      severity: 'breach',
      source: 'Res. 0631/2015, Art. 10; Res. CAR 0456 de 2024',
    },
  ]);
  const put = await putPermits(t, officer, [permit]);
  expect(put.status, await put.clone().text()).toBe(200);
  await ingest(token, phDay());
  await t.compliance.idle();
  const list = await t.app.request(`/api/v1/breaches?${period}`, { headers: { cookie: officer } });
  const listed = (await list.json()) as { breaches: { id: number }[] };
  expect(list.status, JSON.stringify(listed)).toBe(200);
  const { breaches } = listed;
  expect(breaches).toHaveLength(1);
  const ack = await t.app.request(`/api/v1/breaches/${breaches[0].id}/ack`, {
    method: 'POST',
    headers: { cookie: officer, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ note: NOTE }),
  });
  expect(ack.status, await ack.clone().text()).toBe(200);
});
afterAll(() => t.close());

describe('GET /api/v1/reports/compliance', () => {
  it('downloads the CSV with a filename and the breach in Bogotá time with its acknowledgement', async () => {
    const res = await get(`${period}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="vigia-compliance-mobile-plant-2025-11-24-2025-11-24.csv"',
    );
    const csv = await res.text();
    expect(csv).toMatch(/"2025-11-24T09:15:00-05:00","2025-11-24T10:00:00-05:00",45,9\.8,/);
    expect(csv).toContain(`"${NOTE}"`);
    // 00:00–12:10 (last reading 11:55 + 15 min hold) and 14:00–24:00: 22 h 10 min of 24 h.
    expect(csv).toContain(
      `"2025-11-24",24,${Number((1330 / 60).toFixed(4))},${Number(((1330 / 1440) * 100).toFixed(2))}`,
    );
  });

  it('answers the HTML page in Spanish by default and in English on request, self-contained', async () => {
    const es = await get(`from=2025-11-24&to=2025-11-25&format=html`);
    expect(es.status).toBe(200);
    expect(es.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await es.text();
    expect(html).toContain('Informe de cumplimiento ambiental');
    expect(html).toContain('2025-11-24 09:15');
    expect(html).toContain('92,4 %');
    expect(html).toContain(NOTE);
    const en = await (await get(`${period}&format=html&lang=en&permit=vertimiento-2025`)).text();
    expect(en).toContain('Environmental compliance report');
    expect(en).toContain('92.4 %');
  });

  it('is for officers and admins only', async () => {
    expect((await get(`${period}&format=csv`, operator)).status).toBe(403);
    expect((await get(`${period}&format=csv`, '')).status).toBe(401);
  });

  it('names a bad parameter', async () => {
    const cases: [string, string][] = [
      [`${period}&format=pdf`, 'format'],
      [`from=${DAY}&to=${DAY}&format=csv`, 'to'],
      [`from=yesterday&to=${DAY}&format=csv`, 'from'],
      [`${period}&format=csv&lang=fr`, 'lang'],
      [`${period}&format=csv&permit=nope`, 'permit'],
      [`from=${DAY}&to=${DAY + 400 * 86_400_000}&format=csv`, 'to'],
    ];
    for (const [query, path] of cases) {
      const res = await get(query);
      const body = (await res.json()) as { error: { code: string; path?: string } };
      expect([res.status, body.error.code, body.error.path], query).toEqual([400, 'invalid_query', path]);
    }
  });
});
