// A daily_total rule on a sensor whose unit the server does not know yet (issue 10 §2): the
// permit is accepted (it was a 500), the rule waits visibly (`waiting_unit`), and starts once a
// batch's metadata gives the unit, evaluating the readings stored meanwhile. Through the real app.
import { ErrorBody, type Reading, RulesStatusAnswer } from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies read loosely in assertions
type Json = any;

let t: TestApp;
afterEach(() => t.close());

const DAY = 86_400_000;
const FLOW_RULE = {
  id: 'caudal',
  sensor: 'plant.flow',
  kind: 'max',
  max: 100,
  averaging: 'daily_total',
  severity: 'breach',
};
const PH_RULE = {
  id: 'ph',
  sensor: 'plant.ph',
  kind: 'range',
  min: 6,
  max: 9,
  averaging: 'instant',
  severity: 'breach',
};

/** 10 m3/h every 10 minutes over [from, to): 240 m3 a full day, over the 100 m3 limit. */
const flow = (from: number, to: number): Reading[] => {
  const out: Reading[] = [];
  for (let ts = from; ts < to; ts += 600_000) out.push({ sensor: 'plant.flow', ts, value: 10, q: 'good' });
  return out;
};

async function setup() {
  t = await makeTestApp();
  const token = t.device('plant-01');
  const officer = await t.signIn('maria', 'officer');
  const ingest = async (readings: Reading[], sensors?: object[]) => {
    const res = await postBatch(t, token, { device: 'plant-01', readings, ...(sensors && { sensors }) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const put = (rules: object[]) => putPermits(t, officer, [permitOf(rules, { id: 'p', title: 'Permiso' })]);
  const status = async () => {
    const res = await t.app.request('/api/v1/rules/status', { headers: { cookie: officer } });
    return wire(RulesStatusAnswer, await res.json()).rules;
  };
  const breaches = async () => {
    const res = await t.app.request(`/api/v1/breaches?from=${T0 - 30 * DAY}&to=${T0 + DAY}`, {
      headers: { cookie: officer },
    });
    return ((await res.json()) as Json).breaches.filter((b: Json) => b.state !== 'withdrawn') as Json[];
  };
  return { ingest, put, status, breaches };
}

describe('a rule waiting for its sensor unit', () => {
  it('accepts the permit, shows waiting_unit, then starts on the unit and judges the stored history', async () => {
    const { ingest, put, status, breaches } = await setup();
    const start = T0 - 4 * DAY - (T0 % DAY); // midnight UTC, four days back
    // Readings, but no `sensors` metadata: the server knows the sensor, not its unit.
    await ingest([...flow(start, start + DAY), { sensor: 'plant.ph', ts: start, value: 7, q: 'good' }]);
    const res = await put([FLOW_RULE, PH_RULE]);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.compliance.idle();
    expect((await status()).map((r) => [r.rule, r.state])).toEqual([
      ['caudal', 'waiting_unit'],
      ['ph', 'no_data'],
    ]);
    // More readings still without the unit: stored, not evaluated, no error.
    await ingest(flow(start + DAY, start + 2 * DAY));
    await t.compliance.idle();
    expect((await status())[0].state).toBe('waiting_unit');
    expect(await breaches()).toEqual([]);
    // The unit arrives with the next batch: the rule starts and judges what is stored.
    await ingest(flow(start + 2 * DAY, start + 3 * DAY), [
      { id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' },
    ]);
    await t.compliance.idle();
    const [caudal] = await status();
    expect(caudal.state).not.toBe('waiting_unit');
    expect(caudal.last_reading).toBe(start + 3 * DAY - 600_000);
    // Days of the site's zone (Bogotá, UTC−5): the first starts at 05:00 UTC, 190 m3 in it.
    const found = (await breaches()).filter((b) => b.rule === 'caudal');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ start: start + 5 * 3_600_000, unit: 'm3/h' });
    expect(found[0].peak).toBeGreaterThanOrEqual(190);
    // Accepting the permit again changes nothing and answers 200.
    expect((await put([FLOW_RULE, PH_RULE])).status).toBe(200);
  });

  it('still refuses a sensor the server has never heard of (422 naming the rule), never a 500', async () => {
    const { put } = await setup();
    const res = await put([FLOW_RULE]);
    expect(res.status).toBe(422);
    expect(ErrorBody.parse(await res.json()).error).toMatchObject({
      code: 'sensor_unknown',
      path: 'permits[0].rules[0].sensor',
    });
  });

  it('survives a restart of the engine while waiting, and starts after it', async () => {
    const { ingest, put } = await setup();
    const start = T0 - 4 * DAY - (T0 % DAY);
    await ingest(flow(start, start + DAY));
    expect((await put([FLOW_RULE])).status).toBe(200);
    await t.compliance.stop();
    const { createComplianceEngine } = await import('./engine.ts');
    const again = createComplianceEngine(t);
    expect(again.status().map((r) => r.state)).toEqual(['waiting_unit']);
    await t.meta.claimSensors(
      'plant-01',
      [
        {
          id: 'plant.flow',
          path: 'sensors[0].id',
          meta: { id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' },
        },
      ],
      T0,
    );
    again.unitsKnown(['plant.flow']);
    await again.idle();
    expect(again.status()[0]).toMatchObject({
      state: expect.not.stringMatching('waiting_unit'),
      last_reading: start + DAY - 600_000,
    });
    await again.stop();
  });
});
