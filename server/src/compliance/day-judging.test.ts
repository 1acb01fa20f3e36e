// Days judged when they end (site zone, plus the grace), by the server's clock, with no new
// reading; late data re-judges the day under the same breach id with a history row; a day that
// late data brings back under the limit leaves its breach withdrawn (never deleted), and one that
// goes over again brings it back. Through the HTTP API, real SQLite files.
import type { BreachView, Reading } from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const H = 3_600_000;
/** 24 Nov 2025 in Bogotá (UTC−5): [05:00Z, next day 05:00Z). */
const DAY = Date.UTC(2025, 10, 24, 5);
const DAY_END = DAY + 24 * H;
const SENSORS = [
  { id: 'plant.water_in', quantity: 'volumetric_flow', unit: 'm3/h' },
  { id: 'plant.tss', quantity: 'total_suspended_solids', unit: 'mg/L' },
  { id: 'plant.ph', quantity: 'ph', unit: 'pH' },
];
const WATER = {
  id: 'water',
  sensor: 'plant.water_in',
  kind: 'max',
  max: 100,
  averaging: 'daily_total',
  expected_interval: '2h',
  severity: 'breach',
};
const TSS = { id: 'tss', sensor: 'plant.tss', kind: 'max', max: 50, averaging: 'daily_mean', severity: 'breach' };

/** `officer` is the user name get() signs in as. */
type Ctx = { token: string; officer: string };

async function setup(
  rules: object[],
  permitExtra: object = {},
  app: Parameters<typeof makeTestApp>[0] = {},
): Promise<Ctx> {
  t = await makeTestApp(app);
  t.clock.set(DAY + 12 * H);
  const token = t.device('plant-01');
  const cookie = await t.signIn('maria', 'officer');
  // The sensors must be known before a permit names them: one reading the day before.
  await ingest(token, [{ sensor: (rules[0] as { sensor: string }).sensor, ts: DAY - 12 * H, value: 0 }]);
  const res = await putPermits(t, cookie, [
    permitOf(rules, { id: 'agua', title: 'Concesión de aguas', ...permitExtra }),
  ]);
  expect(res.status, await res.clone().text()).toBe(200);
  await t.compliance.idle();
  return { token, officer: 'maria' };
}

async function ingest(token: string, readings: Omit<Reading, 'q'>[]) {
  const res = await postBatch(t!, token, {
    device: 'plant-01',
    sensors: SENSORS,
    readings: readings.map((r) => ({ ...r, q: 'good' })),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await t!.compliance.idle();
}

/** Sessions expire across the days these tests move the clock over: sign in for each request. */
async function login(user: string): Promise<string> {
  const res = await t!.app.request('/api/v1/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ user, password: `${user}-password-for-tests` }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

async function get<T>(user: string, path: string): Promise<T> {
  const res = await t!.app.request(path, { headers: { cookie: await login(user) } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}
const breaches = async (cookie: string, state?: string) =>
  (
    await get<{ breaches: BreachView[] }>(
      cookie,
      `/api/v1/breaches?from=${DAY - 24 * H}&to=${DAY_END + 48 * H}${state ? `&state=${state}` : ''}`,
    )
  ).breaches;
type HistoryRow = { change: string; reason: string; at: number; detail: Record<string, unknown> };
const history = async (cookie: string, id: number) =>
  (await get<{ history: HistoryRow[] }>(cookie, `/api/v1/breaches/${id}/history`)).history;

/** Hourly water readings of `m3h` from DAY + `fromH` hours, `n` of them. */
const water = (fromH: number, n: number, m3h: number) =>
  Array.from({ length: n }, (_, i) => ({ sensor: 'plant.water_in', ts: DAY + (fromH + i) * H, value: m3h }));

describe('a day is judged when it ends', () => {
  it('judges a day over its daily_total after day end + grace with no new reading; late data re-judges it', async () => {
    const { token, officer } = await setup([WATER]);
    // 05:00–15:00Z: 10 readings of 15 m3/h, each held 1 h, the last 2 h: 150 + 15 = 165 m3 > 100.
    await ingest(token, water(1, 10, 15));
    t!.clock.set(DAY_END + 2 * H - 1);
    t!.compliance.tick();
    expect(await breaches(officer)).toEqual([]); // the grace (2 h by default) is not over
    t!.clock.set(DAY_END + 2 * H);
    t!.compliance.tick();
    const [b, ...rest] = await breaches(officer);
    expect(rest).toEqual([]);
    expect(b).toMatchObject({ rule: 'water', start: DAY, peak: 165, limit: 100, end: null, state: 'open' });
    // Readings covered 11 h of the 24 (06:00–17:00Z).
    expect(b.availability).toBeCloseTo(11 / 24, 9);
    expect(await history(officer, b.id)).toEqual([
      expect.objectContaining({ change: 'opened', reason: 'day_ended', at: DAY_END + 2 * H }),
    ]);
    // The device comes back with a reading from that day (20:00Z, 30 m3/h for 2 h: +60 m3).
    t!.clock.set(DAY_END + 3 * H);
    await ingest(token, [{ sensor: 'plant.water_in', ts: DAY + 15 * H, value: 30 }]);
    const [again, ...none] = await breaches(officer);
    expect(none).toEqual([]);
    expect(again).toMatchObject({ id: b.id, start: DAY, peak: 225, state: 'open' });
    expect(again.availability).toBeCloseTo(13 / 24, 9);
    const rows = await history(officer, b.id);
    expect(rows.map((r) => [r.change, r.reason])).toEqual([
      ['opened', 'day_ended'],
      ['updated', 'late_data'],
    ]);
    expect(rows[1].detail).toMatchObject({
      sensor: 'plant.water_in',
      from: DAY + 15 * H,
      readings: 1,
      fields: expect.objectContaining({ peak: [165, 225] }),
    });
  });

  it('waits the permit period_grace; a rule period_grace wins over it', async () => {
    const { token, officer } = await setup([WATER, { ...TSS, period_grace: '0s' }], { period_grace: '6h' });
    await ingest(token, [
      ...water(1, 10, 15),
      { sensor: 'plant.tss', ts: DAY + H, value: 80 },
      { sensor: 'plant.tss', ts: DAY + 2 * H, value: 60 },
    ]);
    t!.clock.set(DAY_END);
    t!.compliance.tick();
    expect((await breaches(officer)).map((b) => b.rule)).toEqual(['tss']);
    t!.clock.set(DAY_END + 6 * H - 1);
    t!.compliance.tick();
    expect((await breaches(officer)).map((b) => b.rule)).toEqual(['tss']);
    t!.clock.set(DAY_END + 6 * H);
    t!.compliance.tick();
    expect((await breaches(officer)).map((b) => b.rule).sort()).toEqual(['tss', 'water']);
  });
});

describe('breaches are never deleted', () => {
  it('late data that brings the day under the limit withdraws its breach, with why; going over again brings it back', async () => {
    // Webhooks to a port nothing listens on: every announcement stays in the outbox to be read.
    const { token, officer } = await setup([TSS], {}, { webhooks: { urls: ['http://127.0.0.1:9/hook'] } });
    await ingest(token, [
      { sensor: 'plant.tss', ts: DAY + H, value: 80 },
      { sensor: 'plant.tss', ts: DAY + 2 * H, value: 60 },
    ]);
    t!.clock.set(DAY_END + 2 * H);
    t!.compliance.tick();
    const [b] = await breaches(officer);
    expect(b).toMatchObject({ rule: 'tss', start: DAY, peak: 70, state: 'open', withdrawn_at: null });
    // The lab's late samples for the same day: mean (80 + 60 + 3 × 10) / 5 = 34, under 50.
    t!.clock.set(DAY_END + 5 * H);
    await ingest(
      token,
      [3, 4, 5].map((h) => ({ sensor: 'plant.tss', ts: DAY + h * H, value: 10 })),
    );
    const [w, ...rest] = await breaches(officer);
    expect(rest).toEqual([]);
    expect(w).toMatchObject({
      id: b.id,
      state: 'withdrawn',
      withdrawn_at: DAY_END + 5 * H,
      withdrawn_reason: 'late_data',
      withdrawn_detail: expect.objectContaining({
        sensor: 'plant.tss',
        from: DAY + 3 * H,
        to: DAY + 5 * H,
        readings: 3,
      }),
      merged_into: null,
    });
    expect((await breaches(officer, 'withdrawn')).map((x) => x.id)).toEqual([b.id]);
    expect(await breaches(officer, 'open')).toEqual([]);
    expect(await breaches(officer, 'closed')).toEqual([]);
    const audit = t!.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 100).filter((e) => e.action === 'breach_withdrawn');
    expect(audit.map((e) => [e.actor, e.detail])).toEqual([
      ['compliance', expect.objectContaining({ breach: b.id, reason: 'late_data', from: DAY + 3 * H })],
    ]);
    // The monthly report lists it apart, with why; the summary does not count it.
    const csv = await t!.app.request(`/api/v1/reports/compliance?from=${DAY}&to=${DAY_END}&format=csv`, {
      headers: { cookie: await login(officer) },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toMatch(/^"withdrawn_breaches"/m);
    expect(text).toMatch(new RegExp(`^"","agua",1,${b.id},"tss","plant.tss",.*"late_data"`, 'm'));
    // Two more samples of 200: mean (80 + 60 + 30 + 400) / 7 = 81.4: the same breach is back.
    t!.clock.set(DAY_END + 6 * H);
    await ingest(token, [
      { sensor: 'plant.tss', ts: DAY + 6 * H, value: 200 },
      { sensor: 'plant.tss', ts: DAY + 7 * H, value: 200 },
    ]);
    const [back] = await breaches(officer);
    expect(back).toMatchObject({ id: b.id, state: 'open', withdrawn_at: null, withdrawn_reason: null });
    expect(back.peak).toBeCloseTo(570 / 7, 9);
    expect((await history(officer, b.id)).map((r) => [r.change, r.reason])).toEqual([
      ['opened', 'day_ended'],
      ['withdrawn', 'late_data'],
      ['restored', 'late_data'],
    ]);
    // Receivers are told of each change under an id of its own: the breach back in force is
    // opened again, not dropped as a duplicate of the first opening.
    const sent = t!.meta
      .dueWebhooks(Number.MAX_SAFE_INTEGER, 100)
      .map((row) => JSON.parse(row.body) as { id: string; event: string; breach: BreachView });
    expect(sent.map((w) => [w.event, w.breach.id])).toEqual([
      ['breach_opened', b.id],
      ['breach_withdrawn', b.id],
      ['breach_opened', b.id],
    ]);
    const seqs = t!.meta.breachHistory(b.id).map((r) => r.seq);
    expect(sent.map((w) => w.id)).toEqual([
      `${b.id}:breach_opened:${seqs[0]}`,
      `${b.id}:breach_withdrawn:${seqs[1]}`,
      `${b.id}:breach_opened:${seqs[2]}`,
    ]);
    expect(new Set(sent.map((w) => w.id)).size).toBe(3);
  });

  it('two breaches that late data joins become one: the later is withdrawn as merged into the earlier', async () => {
    const PH = {
      id: 'ph',
      sensor: 'plant.ph',
      kind: 'max',
      max: 9,
      averaging: 'instant',
      clear: '1m',
      severity: 'breach',
    };
    const { token, officer } = await setup([PH]);
    const t0 = DAY + H;
    // pH every 10 s: 10 for 2 min, 7 for 3 min (clears after 1 min), 10 for 2 min, then 7.
    const value = (s: number) => (s < 120 || (s >= 300 && s < 420) ? 10 : 7);
    await ingest(
      token,
      Array.from({ length: 60 }, (_, i) => ({ sensor: 'plant.ph', ts: t0 + i * 10_000, value: value(i * 10) })),
    );
    const [first, second, ...none] = await breaches(officer);
    expect(none).toEqual([]);
    expect([first.start, second.start]).toEqual([t0, t0 + 300_000]);
    // Late readings between them, out of range: no full minute in range any more, one breach.
    await ingest(
      token,
      [165, 215, 265].map((s) => ({ sensor: 'plant.ph', ts: t0 + s * 1000, value: 9.5 })),
    );
    const all = await breaches(officer);
    expect(all.map((b) => [b.id, b.state, b.merged_into])).toEqual([
      [first.id, 'closed', null],
      [second.id, 'withdrawn', first.id],
    ]);
    expect(all[0]).toMatchObject({ start: t0, end: t0 + 420_000 });
    expect(all[1]).toMatchObject({
      withdrawn_reason: 'merged',
      withdrawn_detail: expect.objectContaining({ into: first.id }),
    });
    expect((await history(officer, second.id)).map((r) => [r.change, r.reason])).toEqual([
      ['opened', 'evaluated'], // opened and closed in one batch: one row
      ['withdrawn', 'merged'],
    ]);
  });

  it('a batch the caller marks as a correction says so in the history and the withdrawal', async () => {
    const { token, officer } = await setup([TSS]);
    await ingest(token, [{ sensor: 'plant.tss', ts: DAY + H, value: 80 }]);
    t!.clock.set(DAY_END + 2 * H);
    t!.compliance.tick();
    const [b] = await breaches(officer);
    // What ingest does for a batch marked as a correction: store it, then accept it with why.
    const fixed = [{ sensor: 'plant.tss', ts: DAY + 2 * H, value: 0, q: 'good' as const }];
    await t!.store.write(fixed);
    t!.compliance.accept(fixed, { reason: 'correction', detail: { device: 'plant-01' } });
    await t!.compliance.idle();
    const [w] = await breaches(officer);
    expect(w).toMatchObject({
      id: b.id,
      state: 'withdrawn',
      withdrawn_reason: 'correction',
      withdrawn_detail: expect.objectContaining({ device: 'plant-01', sensor: 'plant.tss', from: DAY + 2 * H }),
    });
    expect((await history(officer, b.id)).at(-1)).toMatchObject({ change: 'withdrawn', reason: 'correction' });
  });

  it('answers the history only to users who may see the breach site, 404 otherwise', async () => {
    const { token, officer } = await setup([TSS]);
    await ingest(token, [{ sensor: 'plant.tss', ts: DAY + H, value: 80 }]);
    t!.clock.set(DAY_END + 2 * H);
    t!.compliance.tick();
    const [b] = await breaches(officer);
    await t!.signIn('pedro', 'operator', ['other-plant']);
    const res = await t!.app.request(`/api/v1/breaches/${b.id}/history`, { headers: { cookie: await login('pedro') } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('breach_unknown');
    expect((await t!.app.request(`/api/v1/breaches/${b.id}/history`)).status).toBe(401);
    const mine = await login(officer);
    expect((await t!.app.request('/api/v1/breaches/999/history', { headers: { cookie: mine } })).status).toBe(404);
  });
});
