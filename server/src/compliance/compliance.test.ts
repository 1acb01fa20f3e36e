// The compliance engine at server level: readings through POST /api/v1/ingest, permits and
// breaches through their routes, real SQLite files (the pure rule cases are tested in shared).
import {
  type BreachView,
  ErrorBody,
  LiveBreach,
  PermitsAnswer,
  PermitsChangedAnswer,
  type Reading,
} from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { permitOf, putPermits as putPermitsAs } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';
import type { StampedEvent } from '../live/hub.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies read loosely in assertions
type Json = any;

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const MIN = 60_000;
const DAY = 86_400_000;
const SENSORS = [
  { id: 'plant.ph', quantity: 'ph', unit: 'pH' },
  { id: 'tunnel.ch4', quantity: 'methane', unit: '%vol' },
];
const PH_RULE = {
  id: 'ph',
  sensor: 'plant.ph',
  kind: 'range',
  min: 6,
  max: 9,
  averaging: 'instant',
  pending: '5m',
  clear: '1m',
  severity: 'breach',
  source: 'Permit resolution, art. 3',
};
const CH4_RULE = { id: 'ch4', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' };
const permit = permitOf;

type Ctx = { token: string; officer: string };

async function setup(rules: object[] = [PH_RULE, CH4_RULE]): Promise<Ctx> {
  t = await makeTestApp();
  const token = t.device('plant-01');
  const officer = await t.signIn('maria', 'officer');
  // The sensors must be known before a permit names them.
  await ingest(token, [
    { sensor: 'plant.ph', ts: T0 - 2 * DAY, value: 7, q: 'good' },
    { sensor: 'tunnel.ch4', ts: T0 - 2 * DAY, value: 0.1, q: 'good' },
  ]);
  const res = await putPermits(officer, [permit(rules)]);
  expect(res.status, await res.clone().text()).toBe(200);
  await t.compliance.idle();
  return { token, officer };
}

async function ingest(token: string, readings: Reading[]) {
  const res = await postBatch(t!, token, { device: 'plant-01', sensors: SENSORS, readings });
  expect(res.status, await res.clone().text()).toBe(200);
}

const putPermits = (cookie: string, permits: object[]) => putPermitsAs(t!, cookie, permits);

async function breaches(cookie: string, query = `from=${T0 - 10 * DAY}&to=${T0 + 10 * DAY}`): Promise<BreachView[]> {
  const res = await t!.app.request(`/api/v1/breaches?${query}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { breaches: BreachView[] }).breaches;
}

/** pH every 10 s from `from`, value by minute offset. */
function phSeries(from: number, minutes: number, value: (minute: number) => number): Reading[] {
  const out: Reading[] = [];
  for (let s = 0; s < minutes * 60; s += 10)
    out.push({ sensor: 'plant.ph', ts: from + s * 1000, value: value(s / 60), q: 'good' });
  return out;
}
/** 7 for 2 min, 9.6 for 10 min (9.8 at minute 6), then 7 for 5 min. */
const phExcursion = (m: number) => (m < 2 ? 7 : m < 12 ? (m >= 6 && m < 6.1 ? 9.8 : 9.6) : 7);

describe('compliance engine through the API', () => {
  it('finds a pH breach with its pending period: true start, end, peak; a short excursion is none', async () => {
    const { token, officer } = await setup();
    await ingest(token, phSeries(T0, 17, phExcursion));
    // 3 minutes out of range is shorter than `pending` (5m): no breach.
    await ingest(
      token,
      phSeries(T0 + 30 * MIN, 10, (m) => (m >= 2 && m < 5 ? 5.2 : 7)),
    );
    const [b, ...rest] = await breaches(officer);
    expect(rest).toEqual([]);
    expect(b).toMatchObject({
      permit: 'vertimiento-2025',
      permit_version: 1,
      rule: 'ph',
      sensor: 'plant.ph',
      severity: 'breach',
      start: T0 + 2 * MIN,
      opened_ts: T0 + 7 * MIN,
      end: T0 + 12 * MIN,
      closed_by: 'clear',
      peak: 9.8,
      peak_ts: T0 + 6 * MIN,
      limit: 9,
      unit: 'pH',
      duration_ms: 10 * MIN,
      acknowledged: null,
    });
    expect(b.exceedance).toBeCloseTo(0.6 * 600 + 0.2 * 10, 6);
  });

  it('finds a one-reading CH4 spike', async () => {
    const { token, officer } = await setup();
    const rs: Reading[] = [];
    for (let s = 0; s < 60; s++)
      rs.push({ sensor: 'tunnel.ch4', ts: T0 + s * 1000, value: s === 30 ? 1.6 : 0.2, q: 'good' });
    await ingest(token, rs);
    const list = await breaches(officer);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ rule: 'ch4', severity: 'alarm', start: T0 + 30_000, end: T0 + 31_000, peak: 1.6 });
    expect(list[0].limit).toBe(1);
  });

  it('finds the breach in a 3-day-old backlog sent after live readings, with its true times, once', async () => {
    const { token } = await setup([PH_RULE]);
    // Before the outage: an hour of normal readings.
    await ingest(
      token,
      phSeries(T0 - 60 * MIN, 60, () => 7),
    );
    // Back after three days: the live lane first...
    const back = T0 + 3 * DAY;
    t!.clock.set(back + 10 * MIN);
    await ingest(
      token,
      phSeries(back, 5, () => 7.2),
    );
    // ...then the backlog, one reading a minute, newest batch first (out of order).
    const backlog: Reading[] = [];
    const spike = T0 + DAY + 7 * 60 * MIN;
    for (let ts = T0; ts < back; ts += MIN)
      backlog.push({ sensor: 'plant.ph', ts, value: ts >= spike && ts < spike + 20 * MIN ? 10.4 : 7, q: 'good' });
    const batches: Reading[][] = [];
    for (let i = 0; i < backlog.length; i += 1000) batches.push(backlog.slice(i, i + 1000));
    for (const batch of [...batches].reverse()) await ingest(token, batch);
    await t!.compliance.idle();
    const officer = await t!.signIn('lucia', 'officer'); // three days later: a new session
    const found = await breaches(officer);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ start: spike, end: spike + 20 * MIN, peak: 10.4, closed_by: 'clear' });
    // The same batch again: nothing new, the same breach.
    await ingest(token, batches[Math.floor((spike - T0) / MIN / 1000)]);
    await t!.compliance.idle();
    expect(await breaches(officer)).toEqual(found);
    // The rule is back to its live state.
    const status = (await (
      await t!.app.request('/api/v1/rules/status', { headers: { cookie: officer } })
    ).json()) as Json;
    expect(status.rules).toEqual([
      expect.objectContaining({ rule: 'ph', state: 'ok', last_reading: back + 5 * MIN - 10_000 }),
    ]);
  });

  it('retries a replay the store failed (store failure injected once) and still finds the late breach', async () => {
    const { token } = await setup([PH_RULE]);
    await ingest(
      token,
      phSeries(T0 - 60 * MIN, 60, () => 7),
    );
    t!.clock.set(T0 + DAY);
    await ingest(
      token,
      phSeries(T0 + DAY - 5 * MIN, 5, () => 7.1),
    );
    // The store is unreachable for the first replay (as InfluxDB may be), then comes back.
    const store = t!.store;
    let failuresLeft = 1;
    const fail =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...a: A): Promise<R> =>
        failuresLeft-- > 0 ? Promise.reject(new Error('store unreachable')) : fn(...a);
    if (store.readingColumns) store.readingColumns = fail(store.readingColumns.bind(store));
    if (store.readings) store.readings = fail(store.readings.bind(store));
    // A late excursion, 10 minutes out of range, well before the newest reading.
    await ingest(
      token,
      phSeries(T0 + 2 * 60 * MIN, 10, () => 10.2),
    );
    await t!.compliance.idle();
    const officer = await t!.signIn('lucia', 'officer');
    const deadline = Date.now() + 10_000;
    let found = await breaches(officer);
    while (found.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      await t!.compliance.idle();
      found = await breaches(officer);
    }
    expect(failuresLeft).toBeLessThan(0); // the failure did happen
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ start: T0 + 2 * 60 * MIN, peak: 10.2 });
  });

  it('a late reading inside an open period extends the stored breach instead of adding one', async () => {
    const { token, officer } = await setup([PH_RULE]);
    // 8.5 is inside the range; the readings at minutes 2 and 3 come late and are out of it.
    const all = phSeries(T0, 20, (m) => (m >= 2 && m < 12 ? 9.5 : 7));
    const late = all.filter((r) => r.ts >= T0 + 2 * MIN && r.ts < T0 + 4 * MIN);
    await ingest(
      token,
      all.filter((r) => !late.includes(r)),
    );
    const before = await breaches(officer);
    expect(before).toHaveLength(1);
    expect(before[0].start).toBe(T0 + 4 * MIN);
    await ingest(token, late);
    await t!.compliance.idle();
    const after = await breaches(officer);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0].id, start: T0 + 2 * MIN, end: T0 + 12 * MIN });
  });

  it('a permit change makes a new version; old breaches keep theirs and evaluation restarts at the change', async () => {
    const { token, officer } = await setup([PH_RULE]);
    await ingest(token, phSeries(T0, 17, phExcursion));
    t!.clock.set(T0 + 20 * MIN);
    const res = await putPermits(officer, [permit([{ ...PH_RULE, max: 9.5 }])]);
    expect(res.status).toBe(200);
    expect(wire(PermitsChangedAnswer, await res.json()).changed).toEqual(['vertimiento-2025']);
    await t!.compliance.idle();
    // Unchanged: no new version.
    expect(((await (await putPermits(officer, [permit([{ ...PH_RULE, max: 9.5 }])])).json()) as Json).changed).toEqual(
      [],
    );
    const got = wire(
      PermitsAnswer,
      await (await t!.app.request('/api/v1/permits', { headers: { cookie: officer } })).json(),
    );
    expect(got.permits).toEqual([
      expect.objectContaining({
        id: 'vertimiento-2025',
        version: 2,
        effective_from: T0 + 20 * MIN,
        updated_by: 'maria',
      }),
    ]);
    expect(got.permits[0].rules[0].max).toBe(9.5);
    // 9.6 for 10 minutes after the change: a breach under version 2 only (above 9.5).
    await ingest(token, phSeries(T0 + 21 * MIN, 17, phExcursion));
    await t!.compliance.idle();
    const list = await breaches(officer);
    expect(list.map((b) => [b.permit_version, b.start, b.limit])).toEqual([
      [1, T0 + 2 * MIN, 9],
      [2, T0 + 23 * MIN, 9.5],
    ]);
    const audit = t!.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 100).filter((e) => e.action === 'permit_changed');
    expect(audit.map((e) => e.detail)).toEqual([
      expect.objectContaining({ version: 1, created: true, rules_added: ['ph'] }),
      expect.objectContaining({ version: 2, created: false, rules_changed: [{ rule: 'ph', fields: ['max'] }] }),
    ]);
  });

  it('closes an open breach as no data when the sensor stays silent (timer), and shows no_data', async () => {
    const { token, officer } = await setup([{ ...CH4_RULE, expected_interval: '30s' }]);
    await ingest(token, [
      { sensor: 'tunnel.ch4', ts: T0, value: 0.2, q: 'good' },
      { sensor: 'tunnel.ch4', ts: T0 + 1000, value: 1.4, q: 'good' },
    ]);
    t!.clock.set(T0 + 2000);
    let status: Json = await (await t!.app.request('/api/v1/rules/status', { headers: { cookie: officer } })).json();
    expect(status.rules[0]).toMatchObject({ rule: 'ch4', state: 'breach', value: 1.4 });
    t!.clock.set(T0 + 10 * MIN);
    status = await (await t!.app.request('/api/v1/rules/status', { headers: { cookie: officer } })).json();
    expect(status.rules[0]).toMatchObject({ state: 'no_data', value: null });
    expect((await breaches(officer))[0].end).toBeNull();
    t!.compliance.tick();
    expect(await breaches(officer)).toEqual([
      expect.objectContaining({ start: T0 + 1000, end: T0 + 31_000, closed_by: 'no_data' }),
    ]);
  });

  it('publishes breach events on the live hub, in the wire shape the dashboard parses', async () => {
    const { token } = await setup();
    const seen: string[] = [];
    const onEvent = (e: StampedEvent) => {
      // As the live route sends it: JSON text.
      if (e.event === 'breach') seen.push(wire(LiveBreach, JSON.parse(JSON.stringify(e.data))).change);
    };
    t!.live.subscribe({ onEvent, onClose() {} });
    await ingest(token, phSeries(T0, 17, phExcursion));
    expect(seen[0]).toBe('opened');
    expect(seen.at(-1)).toBe('closed');
  });
});

describe('permit validation and roles', () => {
  it('rejects bad permits naming the permit, the rule and the field', async () => {
    const { officer } = await setup();
    const cases: [object, string, RegExp][] = [
      [permit([PH_RULE, { ...CH4_RULE, sensor: 'tunnel.co' }]), 'permits[0].rules[1].sensor', /rule "ch4".*tunnel\.co/],
      [permit([{ ...PH_RULE, min: 10 }]), 'permits[0].rules[0].min', /rule "ph".*min 10 is above max 9/],
      [permit([{ ...PH_RULE, pending: '5 minutes' }]), 'permits[0].rules[0].pending', /rule "ph".*not a duration/],
    ];
    for (const [body, path, message] of cases) {
      const res = await putPermits(officer, [body]);
      expect(res.status, path).toBe(422);
      const { error } = ErrorBody.parse(await res.json());
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    }
    const got = (await (await t!.app.request('/api/v1/permits', { headers: { cookie: officer } })).json()) as Json;
    expect(got.permits[0].version).toBe(1);
  });

  it('lets only officers and admins change permits and acknowledge; acknowledging is audit-logged once', async () => {
    const { token, officer } = await setup();
    await ingest(token, phSeries(T0, 17, phExcursion));
    const [b] = await breaches(officer);
    const operator = await t!.signIn('pedro', 'operator');
    expect((await putPermits(operator, [permit([PH_RULE])])).status).toBe(403);
    const ack = (cookie: string, id: number | string, body: object) =>
      t!.app.request(`/api/v1/breaches/${id}/ack`, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await ack(operator, b.id, { note: 'x' })).status).toBe(403);
    expect((await ack(officer, b.id, { note: '  ' })).status).toBe(422);
    expect((await ack(officer, 999_999, { note: 'x' })).status).toBe(404);
    const ok = await ack(officer, b.id, { note: 'Dosificación de cal ajustada' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).acknowledged).toEqual({
      by: 'maria',
      at: t!.clock.now(),
      note: 'Dosificación de cal ajustada',
    });
    const again = await ack(officer, b.id, { note: 'otra vez' });
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(await again.json()).error.code).toBe('already_acknowledged');
    const audit = t!.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 100).filter((e) => e.action === 'breach_acknowledged');
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'maria',
        detail: expect.objectContaining({ breach: b.id, note: 'Dosificación de cal ajustada' }),
      }),
    ]);
    expect((await breaches(officer, `from=${T0}&to=${T0 + DAY}&state=closed`))[0].acknowledged?.by).toBe('maria');
    expect(await breaches(officer, `from=${T0}&to=${T0 + DAY}&state=open`)).toEqual([]);
  });
});

describe('permits belong to their site', () => {
  it('an officer of another site cannot take over a permit by sending its id with their own site', async () => {
    await setup();
    // Site B has its own device and sensor, and an officer limited to it.
    const tokenB = t!.device('plant-b', 'other-plant');
    const res = await postBatch(t!, tokenB, {
      device: 'plant-b',
      sensors: [{ id: 'b.ph', quantity: 'ph', unit: 'pH' }],
      readings: [{ sensor: 'b.ph', ts: T0, value: 7 }],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const officerB = await t!.signIn('pedro', 'officer', ['other-plant']);
    const takeover = await putPermits(officerB, [
      permit([{ ...PH_RULE, sensor: 'b.ph' }], { site: 'other-plant' }), // same id as site A's permit
    ]);
    expect(takeover.status).toBe(403);
    expect(((await takeover.json()) as Json).error).toMatchObject({ code: 'forbidden', path: 'permits[0].id' });
    const list = (await (
      await t!.app.request('/api/v1/permits', { headers: { cookie: await t!.signIn('ana', 'admin') } })
    ).json()) as Json;
    expect(list.permits.find((p: Json) => p.id === 'vertimiento-2025')).toMatchObject({
      site: 'mobile-plant',
      version: 1,
    });
  });

  it('a permit cannot move to another site, even for an admin', async () => {
    const { officer } = await setup();
    const res = await putPermits(officer, [permit([], { site: 'other-plant' })]);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).error).toMatchObject({ code: 'permit_site_fixed', path: 'permits[0].site' });
  });
});

describe('permit bodies are bounded', () => {
  it('refuses a permits body over 1 MB with 413 and changes nothing', async () => {
    const { officer } = await setup();
    const huge = permit([PH_RULE], { title: 'x'.repeat(1_200_000) });
    const res = await putPermits(officer, [huge]);
    expect(res.status).toBe(413);
    const list = (await (await t!.app.request('/api/v1/permits', { headers: { cookie: officer } })).json()) as Json;
    expect(list.permits[0]).toMatchObject({ version: 1, title: 'Permiso de vertimientos' });
  });
});
