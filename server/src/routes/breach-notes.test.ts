// POST /api/v1/breaches/:id/notes: operators note what they did; shown on the breach and in the
// report; a note never acknowledges.
import { BreachesAnswer, BreachWithNotes, type Reading } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

const DAY = 86_400_000;
let t: TestApp;
let officer = '';
let operator = '';
let breachId = 0;

async function ingest(token: string, readings: Reading[]) {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      device: 'plant-01',
      sensors: [{ id: 'tunnel.ch4', quantity: 'methane', unit: '%vol' }],
      readings,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
const post = (path: string, cookie: string, body: unknown) =>
  t.app.request(path, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const list = async (cookie: string) => {
  const res = await t.app.request(`/api/v1/breaches?from=${T0 - DAY}&to=${T0 + DAY}`, { headers: { cookie } });
  return wire(BreachesAnswer, await res.json()).breaches;
};

beforeEach(async () => {
  t = await makeTestApp();
  const token = t.device('plant-01');
  officer = await t.signIn('maria', 'officer');
  operator = await t.signIn('ana', 'operator', ['mobile-plant']);
  await ingest(token, [{ sensor: 'tunnel.ch4', ts: T0 - DAY / 2, value: 0.1, q: 'good' }]);
  const rule = { id: 'ch4', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' };
  const res = await putPermits(t, officer, [permitOf([rule], { id: 'atmosfera', title: 'Atmósfera' })]);
  expect(res.status, await res.clone().text()).toBe(200);
  await t.compliance.idle();
  await ingest(
    token,
    Array.from({ length: 60 }, (_, s) => ({
      sensor: 'tunnel.ch4',
      ts: T0 + s * 1000,
      value: s === 30 ? 1.6 : 0.2,
      q: 'good' as const,
    })),
  );
  await t.compliance.idle();
  const [b] = await list(officer);
  breachId = b.id;
});
afterEach(() => t.close());

describe('POST /api/v1/breaches/:id/notes', () => {
  it('an operator adds notes, shown on the breach oldest first; the breach stays unacknowledged', async () => {
    const first = await post(`/api/v1/breaches/${breachId}/notes`, operator, { note: 'ventilador reiniciado 10:50' });
    expect(first.status, await first.clone().text()).toBe(201);
    expect(wire(BreachWithNotes, await first.json()).notes).toHaveLength(1);
    t.clock.set(T0 + 120_000);
    expect((await post(`/api/v1/breaches/${breachId}/notes`, officer, { note: 'revisado' })).status).toBe(201);
    const [b] = await list(operator);
    expect(b.notes).toEqual([
      { by: 'ana', at: T0 + 60_000, note: 'ventilador reiniciado 10:50' },
      { by: 'maria', at: T0 + 120_000, note: 'revisado' },
    ]);
    expect(b.acknowledged).toBeNull();
    // Acknowledging stays with officers.
    expect((await post(`/api/v1/breaches/${breachId}/ack`, operator, { note: 'x' })).status).toBe(403);
  });

  it('refuses an empty note (422), a technician (403), a breach of a site the user may not see (404)', async () => {
    expect((await post(`/api/v1/breaches/${breachId}/notes`, operator, { note: '  ' })).status).toBe(422);
    const tech = await t.signIn('tomas', 'technician');
    expect((await post(`/api/v1/breaches/${breachId}/notes`, tech, { note: 'hola' })).status).toBe(403);
    const elsewhere = await t.signIn('otro', 'operator', ['other-site']);
    expect((await post(`/api/v1/breaches/${breachId}/notes`, elsewhere, { note: 'hola' })).status).toBe(404);
    expect((await list(officer))[0].notes).toEqual([]);
  });

  it('puts the notes in the compliance report, escaped in HTML and defused in CSV', async () => {
    await post(`/api/v1/breaches/${breachId}/notes`, operator, { note: '=cmd <b>ventilador</b>' });
    const q = `from=${T0 - DAY}&to=${T0 + DAY}`;
    const csv = await (
      await t.app.request(`/api/v1/reports/compliance?${q}&format=csv`, { headers: { cookie: officer } })
    ).text();
    expect(csv).toContain('operator_notes');
    expect(csv).toMatch(/ana: =cmd <b>ventilador<\/b>"/);
    const html = await (
      await t.app.request(`/api/v1/reports/compliance?${q}&format=html`, { headers: { cookie: officer } })
    ).text();
    expect(html).toContain(
      'Nota del operador:</strong> =cmd &#60;b&#62;ventilador&#60;/b&#62; <span class="note">(ana, 2025-11-24 11:01)</span>',
    );
  });
});
