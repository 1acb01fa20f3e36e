// Readings are evidence (issue 10 §3), through the real app: a resend is idempotent, a different
// value is refused with 409 reading_conflict naming the readings, a correction keeps the old
// value as a revision, is audit-logged and re-evaluates the rules.
import { ErrorBody, type IngestBatchInput } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies read loosely in assertions
type Json = any;

let t: TestApp;
let token: string;
let officer: string;
beforeEach(async () => {
  t = await makeTestApp();
  token = t.device('plant-01');
  officer = await t.signIn('maria', 'officer');
});
afterEach(() => t.close());

const SENSORS = [{ id: 'plant.ph', quantity: 'ph', unit: 'pH' }];
const ingest = (readings: IngestBatchInput['readings']) =>
  t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device: 'plant-01', sensors: SENSORS, readings }),
  });
const revisions = (cookie: string, sensor = 'plant.ph', from = T0 - 60_000, to = T0 + 3_600_000) =>
  t.app.request(`/api/v1/readings/revisions?sensor=${sensor}&from=${from}&to=${to}`, { headers: { cookie } });
const corrections = () =>
  t.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 1000).filter((e) => e.action === 'reading_corrected');

describe('readings are evidence', () => {
  it('the same reading again is 200 and changes nothing; another value is 409 naming every one, nothing stored', async () => {
    const first = [
      { sensor: 'plant.ph', ts: T0, value: 9.5 },
      { sensor: 'plant.ph', ts: T0 + 1000, value: 9.6, q: 'uncertain' as const },
    ];
    expect((await ingest(first)).status).toBe(200);
    expect((await ingest(first)).status).toBe(200);
    const res = await ingest([
      { sensor: 'plant.ph', ts: T0 + 2000, value: 7 },
      { sensor: 'plant.ph', ts: T0, value: 7.1 },
      { sensor: 'plant.ph', ts: T0 + 1000, value: 9.6 }, // same value, other quality: a conflict too
    ]);
    expect(res.status).toBe(409);
    const { error } = ErrorBody.parse(await res.json());
    expect(error).toMatchObject({ code: 'reading_conflict', path: 'readings[1]' });
    expect(error.message).toMatch(/plant\.ph.*2025-11-24T16:00:00\.000Z.*7\.1.*9\.5.*and 1 more.*"correction": true/);
    expect(error.conflicts).toEqual([
      { index: 1, sensor: 'plant.ph', ts: T0, stored: { value: 9.5, q: 'good' }, sent: { value: 7.1, q: 'good' } },
      {
        index: 2,
        sensor: 'plant.ph',
        ts: T0 + 1000,
        stored: { value: 9.6, q: 'uncertain' },
        sent: { value: 9.6, q: 'good' },
      },
    ]);
    expect(await t.store.latest(['plant.ph'])).toEqual([
      { sensor: 'plant.ph', ts: T0 + 1000, value: 9.6, q: 'uncertain' },
    ]);
    expect(corrections()).toEqual([]);
    expect(await (await revisions(officer)).json()).toMatchObject({ revisions: [] });
  });

  it('a correction replaces the value, keeps the old one as a revision and is audit-logged with both', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 9.5 }])).status).toBe(200);
    t.clock.set(T0 + 120_000);
    const fix = { sensor: 'plant.ph', ts: T0, value: 7.2, correction: true as const, reason: 'sonda recalibrada' };
    const res = await ingest([fix, { sensor: 'plant.ph', ts: T0 + 1000, value: 7.3 }]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2 });
    // Sent again (the ack was lost): nothing more happens.
    expect((await ingest([fix])).status).toBe(200);
    expect(await t.store.query('plant.ph', T0, T0 + 1000, 1000)).toEqual([
      { ts: T0, min: 7.2, mean: 7.2, max: 7.2, n: 1 },
    ]);
    const revision = {
      sensor: 'plant.ph',
      ts: T0,
      value: 9.5,
      q: 'good',
      new_value: 7.2,
      new_q: 'good',
      revised_at: T0 + 120_000,
      by: 'plant-01',
      reason: 'sonda recalibrada',
    };
    const viewer = await t.signIn('pedro', 'operator');
    const got = await revisions(viewer);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({
      sensor: 'plant.ph',
      from: T0 - 60_000,
      to: T0 + 3_600_000,
      revisions: [revision],
    });
    expect(corrections()).toEqual([
      {
        seq: expect.any(Number),
        ts: T0 + 120_000,
        actor: 'device:plant-01',
        action: 'reading_corrected',
        detail: {
          device: 'plant-01',
          site: 'mobile-plant',
          sensor: 'plant.ph',
          ts: T0,
          old: { value: 9.5, q: 'good' },
          new: { value: 7.2, q: 'good' },
          reason: 'sonda recalibrada',
        },
      },
    ]);
  });

  it('a reason without "correction": true is refused (422), naming it', async () => {
    const res = await ingest([{ sensor: 'plant.ph', ts: T0, value: 7, reason: 'x' }]);
    expect(res.status).toBe(422);
    expect(ErrorBody.parse(await res.json()).error).toMatchObject({
      code: 'reason_without_correction',
      path: 'readings[0].reason',
    });
    const bad = await ingest([{ sensor: 'plant.ph', ts: T0, value: 7, correction: true, reason: 'two\nlines' }]);
    expect(ErrorBody.parse(await bad.json()).error).toMatchObject({
      code: 'invalid_batch',
      path: 'readings[0].reason',
    });
    expect(await t.store.latest()).toEqual([]);
  });

  it('revisions are read-only, for a session that may see the sensor, with a checked query', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    expect((await revisions('')).status).toBe(401);
    const elsewhere = await t.signIn('lucia', 'operator', ['other-site']);
    expect((await revisions(elsewhere)).status).toBe(404);
    expect((await revisions(officer, 'plant.nope')).status).toBe(404);
    const bad = await revisions(officer, 'plant.ph', T0, T0);
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(await bad.json()).error).toMatchObject({ code: 'invalid_query', path: 'to' });
  });

  it('a correction re-evaluates the rules: in-limit values for a breach leave no standing breach', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0 - 3_600_000, value: 7 }])).status).toBe(200);
    const rule = {
      id: 'ph',
      sensor: 'plant.ph',
      kind: 'range',
      min: 6,
      max: 9,
      averaging: 'instant',
      pending: '1m',
      clear: '1m',
      severity: 'breach',
    };
    const put = await putPermits(t, officer, [permitOf([rule], { id: 'p', title: 'Permiso' })]);
    expect(put.status, await put.clone().text()).toBe(200);
    await t.compliance.idle();
    const series = (value: (i: number) => number, correction = false) =>
      Array.from({ length: 60 }, (_, i) => ({
        sensor: 'plant.ph',
        ts: T0 + i * 10_000,
        value: value(i),
        ...(correction && { correction: true as const, reason: 'lectura falsa del cable suelto' }),
      }));
    // 10 minutes: 2 in range, 5 at 9.8, 3 in range again.
    expect((await ingest(series((i) => (i >= 12 && i < 42 ? 9.8 : 7)))).status).toBe(200);
    await t.compliance.idle();
    const standing = async () => {
      const res = await t.app.request(`/api/v1/breaches?from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`, {
        headers: { cookie: officer },
      });
      return ((await res.json()) as Json).breaches.filter((b: Json) => b.state !== 'withdrawn');
    };
    expect(await standing()).toMatchObject([{ rule: 'ph', start: T0 + 120_000, peak: 9.8 }]);
    // Resending the in-limit values without marking them changes nothing: the breach stands.
    expect((await ingest(series(() => 7))).status).toBe(409);
    expect(await standing()).toHaveLength(1);
    const [before] = await standing();
    expect((await ingest(series(() => 7, true))).status).toBe(200);
    await t.compliance.idle();
    expect(await standing()).toEqual([]);
    // Kept, withdrawn, saying it was a correction by this device and why.
    const all = await t.app.request(`/api/v1/breaches?from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`, {
      headers: { cookie: officer },
    });
    expect(((await all.json()) as Json).breaches).toMatchObject([
      {
        id: before.id,
        state: 'withdrawn',
        withdrawn_reason: 'correction',
        withdrawn_detail: { device: 'plant-01', sensor: 'plant.ph', reasons: ['lectura falsa del cable suelto'] },
      },
    ]);
    expect(corrections()).toHaveLength(30);
  });
});
