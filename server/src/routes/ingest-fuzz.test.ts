// Property: whatever JSON arrives at ingest, the answer is a 200 ack or a 4xx ErrorBody, never a 500;
// and over re-sends, conflicts and corrections the store holds exactly what a model says.
import { ErrorBody, IngestAck } from '@vigia/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await makeTestApp();
  token = t.device('plant-01');
});
afterAll(() => t.close());

async function answer(body: string): Promise<{ status: number; json: unknown }> {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: await res.json() };
}

function expectAckOrClientError({ status, json }: { status: number; json: unknown }) {
  if (status === 200) expect(IngestAck.safeParse(json).success).toBe(true);
  else {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(ErrorBody.safeParse(json).success).toBe(true);
  }
}

// Near-valid batches reach deeper than random JSON: mostly valid values, one wrong now and then,
// so both the refusals and the writes (and sensor registration) are exercised.
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const nearValid = fc.record(
  {
    device: mostly(fc.constant('plant-01'), fc.string()),
    readings: fc.array(
      fc.record(
        {
          sensor: mostly(fc.constantFrom('plant.ph', 'a', 'tunnel.co'), fc.string()),
          ts: mostly(
            fc.integer({ min: T0 - 1e9, max: T0 + 8e7 }),
            fc.oneof(fc.double(), fc.constant('1'), fc.constant(1e3)),
          ),
          value: mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.oneof(fc.double(), fc.constant(null))),
          q: mostly(fc.constantFrom('good', 'uncertain', 'bad'), fc.constant('meh')),
        },
        { requiredKeys: ['sensor', 'ts', 'value'] },
      ),
      { maxLength: 8 },
    ),
    sensors: fc.array(
      mostly(
        fc.constantFrom(
          { id: 'plant.ph', quantity: 'ph', unit: 'pH', name: 'pH' },
          { id: 'tunnel.co', quantity: 'carbon_monoxide', unit: 'ppm' },
        ),
        fc.record({ id: fc.string(), quantity: fc.constantFrom('ph', 'nope'), unit: fc.constantFrom('pH', 'x') }),
      ),
      { maxLength: 2 },
    ),
    status: mostly(
      fc.record({ backlog: fc.nat(), dropped: fc.nat(), clock_offset_ms: fc.integer() }),
      fc.record({ backlog: fc.integer(), dropped: fc.double() }),
    ),
  },
  { requiredKeys: ['device', 'readings'] },
);

describe('ingest validator (fuzz)', () => {
  it('answers random JSON with a 4xx ErrorBody or a 200 ack, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => expectAckOrClientError(await answer(JSON.stringify(value)))),
      { numRuns: 200 },
    );
  });

  it('answers near-valid batches with a 4xx ErrorBody or a 200 ack, never a 500', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(nearValid, async (value) => {
        const a = await answer(JSON.stringify(value));
        if (a.status === 200) accepted++;
        else refused++;
        expectAckOrClientError(a);
      }),
      { numRuns: 300 },
    );
    // Both outcomes must be common (about 40% accepted), or the generator tests only one path.
    expect(accepted).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(30);
  });

  it('re-sends, conflicting values and corrections: 200, 409 reading_conflict or 422, and the store matches a model', async () => {
    // A small (sensor, ts) space and two values, so re-sends and conflicts are common.
    const reading = fc
      .record({
        sensor: fc.constantFrom('fz.a', 'fz.b'),
        ts: fc.integer({ min: 0, max: 5 }).map((k) => T0 + k * 1000),
        value: fc.constantFrom(1, 2),
        q: fc.constantFrom('good', 'good', 'uncertain'),
        // plain (most), a correction with or without a reason, and now and then a wrong reason.
        how: fc.constantFrom('plain', 'plain', 'plain', 'fix', 'fix-why', 'why-alone', 'fix-bad-why'),
      })
      .map(({ how, ...r }) => ({
        ...r,
        ...(how.startsWith('fix') && { correction: true as const }),
        ...(how === 'fix-why' || how === 'why-alone' ? { reason: 'sonda recalibrada' } : {}),
        ...(how === 'fix-bad-why' && { reason: 'dos\nlíneas' }),
      }));
    const model = new Map<string, { value: number; q: string }>();
    const counts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 4 }), async (readings) => {
        const a = await answer(JSON.stringify({ device: 'plant-01', readings }));
        expectAckOrClientError(a);
        counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
        if (a.status === 409) {
          const { error } = ErrorBody.parse(a.json);
          expect(error.code).toBe('reading_conflict');
          for (const c of error.conflicts ?? []) {
            expect(readings[c.index]).toMatchObject({ sensor: c.sensor, ts: c.ts, value: c.sent.value, q: c.sent.q });
            expect(readings[c.index].correction).toBeUndefined();
          }
        }
        if (a.status !== 200) return;
        for (const r of readings) model.set(`${r.sensor}@${r.ts}`, { value: r.value, q: r.q });
        expect(readings.every((r) => r.reason === undefined || r.correction)).toBe(true);
      }),
      { numRuns: 150 },
    );
    const stored = (await t.store.readings!('fz.a', T0, T0 + 6000)).concat(
      await t.store.readings!('fz.b', T0, T0 + 6000),
    );
    expect(new Map(stored.map((r) => [`${r.sensor}@${r.ts}`, { value: r.value, q: r.q }]))).toEqual(model);
    expect(counts.get(200) ?? 0).toBeGreaterThan(10);
    expect(counts.get(409) ?? 0).toBeGreaterThan(10);
    expect(counts.get(422) ?? 0).toBeGreaterThan(5);
  });

  it('answers random text with a 4xx ErrorBody, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (text) => expectAckOrClientError(await answer(text))),
      { numRuns: 200 },
    );
  });
});
