// Reports share the server: at most MAX_RUNNING_REPORTS at once (429 with Retry-After beyond),
// and /health keeps answering while a large report streams its readings. No timing asserted.
import type { Reading } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { MAX_RUNNING_REPORTS } from './route.ts';

/** Days of one 1 Hz sensor: enough that a report reads many chunks. */
const DAYS = 5;
const FROM = T0 - (T0 % 86_400_000) + 5 * 3_600_000;
const TO = FROM + DAYS * 86_400_000;

let t: TestApp;
let officer = '';
const report = async (): Promise<Response> =>
  t.app.request(`/api/v1/reports/compliance?from=${FROM}&to=${TO}&format=csv`, { headers: { cookie: officer } });

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(TO + 3_600_000);
  const token = t.device('plant-01');
  officer = await t.signIn('maria', 'officer');
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      device: 'plant-01',
      sensors: [{ id: 'plant.ph', name: 'pH', quantity: 'ph', unit: 'pH' }],
      readings: [{ sensor: 'plant.ph', ts: FROM - 1000, value: 7, q: 'good' }],
    }),
  });
  expect(res.status).toBe(200);
  const put = await putPermits(t, officer, [
    permitOf(
      [
        // A 5 s hold: the report reads every raw reading (the rollups would not be exact).
        {
          id: 'ph',
          sensor: 'plant.ph',
          kind: 'range',
          min: 6,
          max: 9,
          averaging: 'daily_mean',
          expected_interval: '5s',
          severity: 'breach',
        },
      ],
      { id: 'vertimiento', title: 'Vertimientos' },
    ),
  ]);
  expect(put.status, await put.clone().text()).toBe(200);
  // Straight into the store (the engine need not see them): one reading a second.
  for (let day = 0; day < DAYS; day++) {
    const batch: Reading[] = [];
    for (let s = 0; s < 86_400; s++) {
      batch.push({ sensor: 'plant.ph', ts: FROM + day * 86_400_000 + s * 1000, value: 7 + (s % 10) / 10, q: 'good' });
    }
    await t.store.write(batch);
  }
}, 120_000);
afterAll(() => t.close());

describe('reports share the server', () => {
  it(`runs at most ${MAX_RUNNING_REPORTS} at once: the next gets 429 with Retry-After, in Spanish and English`, async () => {
    const running = Array.from({ length: MAX_RUNNING_REPORTS }, report);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await report();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_reports');
    expect(body.error.message).toMatch(/try again/);
    expect(body.error.message).toMatch(/reintente/);
    for (const res of await Promise.all(running)) expect(res.status).toBe(200);
    // The slots are free again.
    const after = await report();
    expect(after.status).toBe(200);
    const csv = await after.text();
    // The daily mean of 7.0…7.9 repeating is 7.45 on every full day.
    expect(csv).toMatch(/,7\.45(,|\r?\n)/);
  }, 120_000);

  it('keeps answering /health while a report streams its readings', async () => {
    let done = false;
    const pending = report().then((res) => {
      done = true;
      return res;
    });
    let answeredDuring = 0;
    while (!done) {
      const health = await t.app.request('/health');
      expect(health.status).toBe(200);
      if (!done) answeredDuring++;
      // A client asks again a moment later (app.request alone never leaves the microtask queue).
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect((await pending).status).toBe(200);
    // One read of the whole period would let at most a couple through.
    expect(answeredDuring).toBeGreaterThan(5);
  }, 120_000);
});
