// POST /api/v1/permits/preview and GET /api/v1/templates through the whole app on a real SQLite
// store: the breaches a permit would have had, found by the engine's evaluator over stored
// readings, with nothing stored; roles and sites checked; templates with their citations.
import { PreviewAnswer, type Reading, TEMPLATES, TemplatesAnswer } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

const HOUR = 3_600_000;
const FROM = T0 - 48 * HOUR;
/** pH 7 every 10 s for two days, 9.6 in [FROM + 5 h, FROM + 5 h 20 min) and from FROM + 40 h on. */
const SPIKE = FROM + 5 * HOUR;
const SPIKE_END = SPIKE + 20 * 60_000;
const LATE = FROM + 40 * HOUR;
const TO = FROM + 48 * HOUR;

let t: TestApp;
let officer = '';
let operator = '';
let otherSite = '';

const permit = (over: Record<string, unknown> = {}) => ({
  id: 'vertimiento',
  title: 'Vertimientos',
  site: 'mobile-plant',
  rules: [{ id: 'ph-max', sensor: 'plant.ph', kind: 'max', max: 9, averaging: 'instant', severity: 'breach' }],
  ...over,
});

const post = (cookie: string, body: unknown) =>
  t.app.request('/api/v1/permits/preview', {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(TO + HOUR);
  const token = t.device('plant-01');
  const res = await postBatch(t, token, {
    device: 'plant-01',
    sensors: [{ id: 'plant.ph', name: 'pH', quantity: 'ph', unit: 'pH' }],
    readings: [{ sensor: 'plant.ph', ts: FROM - 10_000, value: 7, q: 'good' }],
  });
  expect(res.status).toBe(200);
  const batch: Reading[] = [];
  for (let ts = FROM; ts < TO; ts += 10_000) {
    const high = (ts >= SPIKE && ts < SPIKE_END) || ts >= LATE;
    batch.push({ sensor: 'plant.ph', ts, value: high ? 9.6 : 7, q: 'good' });
  }
  await t.store.write(batch);
  officer = await t.signIn('maria', 'officer');
  operator = await t.signIn('juan', 'operator');
  otherSite = await t.signIn('ana', 'officer', ['other-site']);
}, 60_000);
afterAll(() => t.close());

describe('POST /api/v1/permits/preview', () => {
  it('answers the breaches the permit would have had, in the shape of GET /api/v1/breaches', async () => {
    const res = await post(officer, { permit: permit(), from: FROM, to: TO });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = wire(PreviewAnswer, await res.json());
    expect(body.truncated).toBe(false);
    expect(body.breaches).toHaveLength(2);
    const [first, last] = body.breaches;
    expect(first).toMatchObject({
      id: null,
      permit: 'vertimiento',
      site: 'mobile-plant',
      rule: 'ph-max',
      sensor: 'plant.ph',
      start: SPIKE,
      end: SPIKE_END,
      state: 'closed',
      peak: 9.6,
      limit: 9,
      unit: 'pH',
      acknowledged: null,
      withdrawn_at: null,
    });
    // Still over the limit at the end of the range: open, as the live engine would show it.
    expect(last).toMatchObject({ start: LATE, end: null, state: 'open' });
  });

  it('stores nothing: no breach, no permit, no audit line', async () => {
    await post(officer, { permit: permit(), from: FROM, to: TO });
    const breaches = await t.app.request(`/api/v1/breaches?from=0&to=${TO * 2}`, { headers: { cookie: officer } });
    expect(((await breaches.json()) as { breaches: unknown[] }).breaches).toEqual([]);
    const permits = await t.app.request('/api/v1/permits', { headers: { cookie: officer } });
    expect(((await permits.json()) as { permits: unknown[] }).permits).toEqual([]);
    expect(t.meta.listBreaches({ from: 0, to: TO * 2, sites: [] })).toEqual([]);
  });

  it('answers only the range asked for', async () => {
    const res = await post(officer, { permit: permit(), from: SPIKE_END + HOUR, to: LATE });
    expect(((await res.json()) as { breaches: unknown[] }).breaches).toEqual([]);
  });

  it('refuses an operator (403) and an officer of another site (403)', async () => {
    expect((await post(operator, { permit: permit(), from: FROM, to: TO })).status).toBe(403);
    const res = await post(otherSite, { permit: permit(), from: FROM, to: TO });
    expect(res.status).toBe(403);
  });

  it('names what is wrong with the permit or the range (422)', async () => {
    const bad = await post(officer, {
      permit: permit({ rules: [{ ...permit().rules[0], averaging: 'fortnightly' }] }),
      from: FROM,
      to: TO,
    });
    expect(bad.status).toBe(422);
    const err = ((await bad.json()) as { error: { code: string; path: string } }).error;
    expect(err).toMatchObject({ code: 'invalid_permit', path: 'permit.rules[0].averaging' });
    const unknown = await post(officer, {
      permit: permit({ rules: [{ ...permit().rules[0], sensor: 'plant.nope' }] }),
      from: FROM,
      to: TO,
    });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('sensor_unknown');
    const long = await post(officer, { permit: permit(), from: TO - 400 * 24 * HOUR, to: TO });
    expect(long.status).toBe(422);
    expect(await long.text()).toMatch(/366 days/);
  });
});

describe('GET /api/v1/templates', () => {
  it('lists every template with its rules, sources and the limits left to the site as null', async () => {
    const res = await t.app.request('/api/v1/templates', { headers: { cookie: officer } });
    expect(res.status).toBe(200);
    const { templates } = wire(TemplatesAnswer, await res.json());
    expect(templates.map((x) => x.id)).toEqual(TEMPLATES.map((x) => x.id));
    const res0631 = templates.find((x) => /0631/.test(x.id));
    expect(res0631?.rules[0].source[0].title).toBeTruthy();
    const open = templates.flatMap((x) => x.rules).filter((r) => r.kind !== 'range' && r.value === null);
    expect(open.length).toBeGreaterThan(0);
    for (const r of open) expect(r.note).toBeTruthy();
  });

  it('is not offered to an operator (403)', async () => {
    expect((await t.app.request('/api/v1/templates', { headers: { cookie: operator } })).status).toBe(403);
  });
});
