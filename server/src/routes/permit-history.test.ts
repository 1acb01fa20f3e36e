// GET /api/v1/permits/:id/history through the whole app on a real SQLite meta.db: every saved
// version, newest first, with who saved it, when, and what changed; roles and sites checked.
import { PermitHistoryAnswer } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

let t: TestApp;
let officer = '';
let admin = '';
let operator = '';
let otherSite = '';

const ph = { id: 'ph', sensor: 'plant.ph', kind: 'range', min: 6, max: 9, averaging: 'instant', severity: 'breach' };
const temp = { id: 'temp', sensor: 'plant.temp', kind: 'max', max: 40, averaging: 'instant', severity: 'breach' };

const history = (cookie: string, id = 'vertimiento-2025') =>
  t.app.request(`/api/v1/permits/${encodeURIComponent(id)}/history`, { headers: { cookie } });

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(T0);
  const token = t.device('plant-01');
  const res = await postBatch(t, token, {
    device: 'plant-01',
    sensors: [
      { id: 'plant.ph', quantity: 'ph', unit: 'pH' },
      { id: 'plant.temp', quantity: 'temperature', unit: 'degC' },
    ],
    readings: [{ sensor: 'plant.ph', ts: T0 - 1000, value: 7, q: 'good' }],
  });
  expect(res.status).toBe(200);
  officer = await t.signIn('maria', 'officer');
  admin = await t.signIn('jefa', 'admin');
  operator = await t.signIn('juan', 'operator');
  otherSite = await t.signIn('ana', 'officer', ['other-site']);
  expect((await putPermits(t, officer, [permitOf([ph])])).status).toBe(200);
  t.clock.set(T0 + 60_000);
  expect((await putPermits(t, admin, [permitOf([{ ...ph, max: 8.5 }, temp])])).status).toBe(200);
}, 60_000);
afterAll(() => t.close());

describe('GET /api/v1/permits/:id/history', () => {
  it('lists every version newest first: who, when, and what changed from the one before', async () => {
    const res = await history(officer);
    expect(res.status).toBe(200);
    const body = wire(PermitHistoryAnswer, await res.json());
    expect(body.permit).toBe('vertimiento-2025');
    expect(body.versions.map((v) => [v.version, v.updated_by, v.updated_at])).toEqual([
      [2, 'jefa', T0 + 60_000],
      [1, 'maria', T0],
    ]);
    expect(body.versions[0]!.changes).toEqual({
      created: false,
      fields: [],
      rules_added: ['temp'],
      rules_removed: [],
      rules_changed: [{ rule: 'ph', fields: ['max'] }],
    });
    expect(body.versions[1]!.changes).toMatchObject({ created: true, rules_added: ['ph'] });
    // Each version keeps the permit as it was then; the old one ended when the new one began.
    expect(body.versions[1]!.permit.rules).toEqual([expect.objectContaining({ id: 'ph', max: 9 })]);
    expect(body.versions[1]!.effective_to).toBe(T0 + 60_000);
    expect(body.versions[0]!.effective_to).toBeNull();
  });

  it('answers an operator 403, and another site or an unknown id 404', async () => {
    expect((await history(operator)).status).toBe(403);
    const other = await history(otherSite);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('permit_unknown');
    expect((await history(admin, 'no-such')).status).toBe(404);
  });
});
