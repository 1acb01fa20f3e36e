// GET /api/v1/breaches filters the officer's page uses: by sensor, and only the unacknowledged
// ones (acknowledged=false; withdrawn ones are not waiting for anyone), with state and permit;
// and the count of unacknowledged ones the nav tab's badge shows (GET /api/v1/breaches/unacknowledged).
import { BreachesAnswer, BreachWithNotes, UnacknowledgedAnswer } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

let t: TestApp;
let officer = '';
const FROM = T0;
const list = async (query: string) => {
  const res = await t.app.request(`/api/v1/breaches?from=0&to=${T0 * 2}${query}`, { headers: { cookie: officer } });
  expect(res.status, await res.clone().text()).toBe(200);
  return wire(BreachesAnswer, await res.json()).breaches;
};
/** GET /api/v1/breaches/unacknowledged as the user whose cookie is `cookie`. */
const unacked = async (cookie: string) => {
  const res = await t.app.request('/api/v1/breaches/unacknowledged', { headers: { cookie } });
  expect(res.status, await res.clone().text()).toBe(200);
  return wire(UnacknowledgedAnswer, await res.json()).count;
};

beforeAll(async () => {
  t = await makeTestApp();
  officer = await t.signIn('maria', 'officer');
  const token = t.device('plant-01');
  const ingest = (readings: unknown[]) =>
    t.app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        device: 'plant-01',
        sensors: [
          { id: 'plant.ph', name: 'pH', quantity: 'ph', unit: 'pH' },
          { id: 'plant.temp', name: 'T', quantity: 'temperature', unit: 'degC' },
        ],
        readings,
      }),
    });
  expect((await ingest([{ sensor: 'plant.ph', ts: FROM - 1000, value: 7, q: 'good' }])).status).toBe(200);
  const rule = (id: string, sensor: string, max: number) => ({
    id,
    sensor,
    kind: 'max',
    max,
    averaging: 'instant',
    severity: 'breach',
  });
  const put = await putPermits(t, officer, [
    permitOf([rule('ph', 'plant.ph', 9), rule('temp', 'plant.temp', 40)], { id: 'p', title: 'P' }),
  ]);
  expect(put.status, await put.clone().text()).toBe(200);
  const readings = [];
  for (let i = 0; i < 60; i++) {
    const ts = FROM + i * 10_000;
    const high = i >= 10 && i < 20;
    readings.push({ sensor: 'plant.ph', ts, value: high ? 9.5 : 7, q: 'good' });
    readings.push({ sensor: 'plant.temp', ts, value: high ? 45 : 30, q: 'good' });
  }
  t.clock.set(FROM + 700_000);
  expect((await ingest(readings)).status).toBe(200);
  await t.compliance.idle();
});
afterAll(() => t.close());

describe('breach filters', () => {
  it('by sensor, and only the unacknowledged ones', async () => {
    const all = await list('');
    expect(all.map((b) => b.sensor).sort()).toEqual(['plant.ph', 'plant.temp']);
    expect((await list('&sensor=plant.ph')).map((b) => b.sensor)).toEqual(['plant.ph']);
    expect(await unacked(officer)).toBe(2);
    const ph = all.find((b) => b.sensor === 'plant.ph')!;
    const ack = await t.app.request(`/api/v1/breaches/${ph.id}/ack`, {
      method: 'POST',
      headers: { cookie: officer, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'revisado' }),
    });
    expect(ack.status).toBe(200);
    expect(wire(BreachWithNotes, await ack.json()).acknowledged).toMatchObject({ note: 'revisado' });
    expect((await list('&acknowledged=false')).map((b) => b.sensor)).toEqual(['plant.temp']);
    expect(await list('&acknowledged=false&sensor=plant.ph')).toEqual([]);
    // The nav badge's count follows: one left, and none for a user of another site.
    expect(await unacked(officer)).toBe(1);
    expect(await unacked(await t.signIn('ana', 'officer', ['other-site']))).toBe(0);
    const bad = await t.app.request(`/api/v1/breaches?from=0&to=1&acknowledged=maybe`, {
      headers: { cookie: officer },
    });
    expect(bad.status).toBe(400);
  });
});
