// GET /api/v1/readings: raw readings streamed as CSV or JSON, visibility, escaping, locale.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { exportSlices, TARGET_ROWS } from './readings-export.ts';

let t: TestApp;
let cookie: string;
let token: string;
const DAY = 86_400_000;
const post = async (readings: object[]) => {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ device: 'plant-01', readings }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};
beforeEach(async () => {
  t = await makeTestApp();
  token = t.device('plant-01');
  // 0..99: one reading a minute, value i + 0.5; reading 3 uncertain.
  await post(
    Array.from({ length: 100 }, (_, i) => ({
      sensor: 'plant.ph',
      ts: T0 + i * 60_000,
      value: i + 0.5,
      q: i === 3 ? 'uncertain' : 'good',
    })),
  );
  cookie = await t.signIn('ana', 'operator');
});
afterEach(() => t.close());

const get = (query: string, c = cookie) => t.app.request(`/api/v1/readings?${query}`, { headers: { cookie: c } });

describe('GET /api/v1/readings', () => {
  it('streams every reading of the range as Spanish CSV: ";" and a decimal comma, site-zone times', async () => {
    const res = await get(`sensor=plant.ph&from=${T0}&to=${T0 + DAY}&format=csv&locale=es`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="plant\.ph_\d{4}-\d{2}-\d{2}_/);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('sensor;name;ts_ms;time;value;q;corrected');
    expect(lines).toHaveLength(101);
    expect(lines[1]).toBe(`"plant.ph";"";${T0};2025-11-24T11:00:00-05:00;0,5;good;0`);
    expect(lines[4]).toContain(';3,5;uncertain;0');
  });

  it('writes English CSV with "," and a dot, and JSON with the same rows', async () => {
    const csv = await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 600_000}&locale=en`)).text();
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('sensor,name,ts_ms,time,value,q,corrected');
    expect(lines[1].split(',')[4]).toBe('0.5');
    expect(lines).toHaveLength(11);
    const json = (await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 600_000}&format=json`)).json()) as {
      sensor: string;
      readings: { ts: number; value: number; q: string; corrected: boolean }[];
    };
    expect(json.sensor).toBe('plant.ph');
    expect(json.readings).toHaveLength(10);
    expect(json.readings[3]).toEqual({ ts: T0 + 180_000, value: 3.5, q: 'uncertain', corrected: false });
  });

  it('marks corrected readings', async () => {
    await post([{ sensor: 'plant.ph', ts: T0 + 60_000, value: 9, correction: true, reason: 'recalibrated' }]);
    const json = (await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 180_000}&format=json`)).json()) as {
      readings: { value: number; corrected: boolean }[];
    };
    expect(json.readings.map((r) => [r.value, r.corrected])).toEqual([
      [0.5, false],
      [9, true],
      [2.5, false],
    ]);
  });

  it('reads the store in bounded slices, every reading once, oldest first', async () => {
    const n = TARGET_ROWS * 2 + 123;
    const batch = Array.from({ length: n }, (_, i) => ({
      sensor: 'plant.fast',
      ts: T0 + 7_200_000 + i * 1000,
      value: i,
    }));
    for (let i = 0; i < n; i += 5000) await post(batch.slice(i, i + 5000));
    const sizes: number[] = [];
    let last = -1;
    let total = 0;
    for await (const { rows } of exportSlices(t.store, 'plant.fast', T0, T0 + 2 * DAY)) {
      sizes.push(rows.length);
      for (const r of rows) {
        expect(r.value).toBe(last + 1);
        last = r.value;
      }
      total += rows.length;
    }
    expect(total).toBe(n);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TARGET_ROWS * 1.1);
  });

  it('quotes the sensor name and defuses formula injection', async () => {
    const res = await t.app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.device('plant-02')}` },
      body: JSON.stringify({
        device: 'plant-02',
        sensors: [{ id: 'plant.cn', name: '=HYPERLINK("x";"pH; 1")', quantity: 'ph', unit: 'pH' }],
        readings: [{ sensor: 'plant.cn', ts: T0, value: 7 }],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const csv = await (await get(`sensor=plant.cn&from=${T0}&to=${T0 + 1000}`)).text();
    expect(csv.split('\r\n')[1]).toBe(
      `"plant.cn";"'=HYPERLINK(""x"";""pH; 1"")";${T0};2025-11-24T11:00:00-05:00;7;good;0`,
    );
  });

  it('answers 404 for a sensor of a site the user may not see, 401 without a session, 400 for a bad range', async () => {
    const other = await t.signIn('bob', 'operator', ['other-site']);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0 + DAY}`, other)).status).toBe(404);
    expect((await t.app.request(`/api/v1/readings?sensor=plant.ph&from=${T0}&to=${T0 + DAY}`)).status).toBe(401);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0}`)).status).toBe(400);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0 + 367 * DAY}`)).status).toBe(400);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0 + DAY}&format=xml`)).status).toBe(400);
  });
});
