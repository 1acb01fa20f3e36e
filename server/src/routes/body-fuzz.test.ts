// Property (issue 10 §2): every route that takes a body answers 2xx or 4xx with the shared
// ErrorBody, never a 5xx, through the real app. Ingest has its own: ingest-fuzz.test.ts.
// PUT /api/v1/permits gets random permits over sensors with and without metadata (a unit), of
// this site and another, unknown ones, by users of every site or one; rule status and the
// permit list must still answer after each change.
import { ErrorBody, type Reading } from '@vigia/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let tokens: Record<string, string>;
let cookies: Record<string, string>;
let breachId: number;

async function ingest(device: string, readings: Reading[], sensors?: object[]) {
  return t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[device]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device, readings, ...(sensors && { sensors }) }),
  });
}

const send = (method: string, path: string, cookie: string, body: string) =>
  t.app.request(path, { method, headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' }, body });

/** 2xx, or 4xx with the shared error body; the body of a 5xx is shown when one comes. */
async function expect2xxOr4xx(res: Response) {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status >= 400) expect(ErrorBody.safeParse(JSON.parse(text)).success, text).toBe(true);
  return res.status;
}

const r = (sensor: string, ts: number, value: number): Reading => ({ sensor, ts, value, q: 'good' });

beforeAll(async () => {
  t = await makeTestApp();
  tokens = { 'plant-01': t.device('plant-01'), 'other-01': t.device('other-01', 'other-site') };
  // Known with metadata (plant.ph, plant.flow_m), without it (plant.flow, plant.level, plant.never), another site's.
  const ok = [
    await ingest(
      'plant-01',
      [r('plant.ph', T0 - 7_200_000, 7), r('plant.flow_m', T0 - 7_200_000, 3)],
      [
        { id: 'plant.ph', quantity: 'ph', unit: 'pH' },
        { id: 'plant.flow_m', quantity: 'volumetric_flow', unit: 'm3/h' },
      ],
    ),
    await ingest('plant-01', [
      r('plant.flow', T0 - 7_200_000, 5),
      r('plant.level', T0 - 7_200_000, 1),
      r('plant.never', T0 - 7_200_000, 2),
    ]),
    await ingest('other-01', [r('other.ph', T0 - 7_200_000, 7)], [{ id: 'other.ph', quantity: 'ph', unit: 'pH' }]),
  ];
  expect(ok.map((res) => res.status)).toEqual([200, 200, 200]);
  cookies = {
    admin: await t.signIn('ana', 'admin'),
    officer: await t.signIn('maria', 'officer', ['mobile-plant']),
    operator: await t.signIn('oscar', 'operator'),
  };
  // One breach to acknowledge.
  const base = {
    id: 'base',
    title: 'Base',
    site: 'mobile-plant',
    rules: [{ id: 'ph', sensor: 'plant.ph', kind: 'max', max: 9, averaging: 'instant', severity: 'breach' }],
  };
  expect((await send('PUT', '/api/v1/permits', cookies.admin, JSON.stringify({ permits: [base] }))).status).toBe(200);
  await t.compliance.idle();
  const spike = Array.from({ length: 20 }, (_, i) => r('plant.ph', T0 - 3_600_000 + i * 10_000, i < 15 ? 9.5 : 7));
  expect((await ingest('plant-01', spike)).status).toBe(200);
  await t.compliance.idle();
  const [found] = t.meta.listBreaches({ from: 0, to: T0 + 1e9, sites: [] });
  breachId = found.id;
});
afterAll(() => t.close());

const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: invalid, weight: 1 });
const anyJson = fc.oneof(
  fc.string(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.nat(), { maxLength: 2 }),
);

const limit = fc.double({ min: -1e6, max: 1e6, noNaN: true });
/** A rule valid by its schema (kind and limits agree), on any of the sensors. */
const validRule = fc
  .record({
    id: fc.constantFrom('ph', 'caudal', 'nivel', 'x'),
    sensor: fc.constantFrom(
      'plant.ph',
      'plant.flow',
      'plant.flow_m',
      'plant.level',
      'plant.never',
      'other.ph',
      'nope.x',
    ),
    kind: fc.constantFrom('max', 'min', 'range'),
    a: limit,
    b: limit,
    averaging: fc.constantFrom('instant', 'rolling:1h', 'twa:8h', 'daily_mean', 'daily_total', 'daily_total'),
    pending: fc.option(fc.constantFrom('0s', '5m', '1h', '365d'), { nil: undefined }),
    clear: fc.option(fc.constantFrom('0s', '1m', '10m'), { nil: undefined }),
    severity: fc.constantFrom('warning', 'breach', 'critical', 'alarm'),
    expected_interval: fc.option(fc.constantFrom('30s', '15m', '1d'), { nil: undefined }),
  })
  .map(({ kind, a, b, pending, clear, expected_interval, ...rest }) => ({
    ...rest,
    kind,
    ...(kind !== 'min' && { max: Math.max(a, b) }),
    ...(kind !== 'max' && { min: Math.min(a, b) }),
    ...(pending && { pending }),
    ...(clear && { clear }),
    ...(expected_interval && { expected_interval }),
  }));
/** Now and then one field of a valid rule replaced by anything. */
const rule = fc.oneof(
  { arbitrary: validRule, weight: 10 },
  fc
    .tuple(
      validRule,
      fc.constantFrom('id', 'sensor', 'kind', 'max', 'min', 'averaging', 'pending', 'hysteresis', 'extra'),
      anyJson,
    )
    .map(([r, field, v]) => ({ ...r, [field]: v })),
);
const permit = fc.record(
  {
    id: mostly(fc.constantFrom('p1', 'p2', 'base'), anyJson),
    title: mostly(fc.constantFrom('Permiso de vertimientos', 'Aire'), anyJson),
    site: mostly(fc.constantFrom('mobile-plant', 'mobile-plant', 'mobile-plant', 'other-site', 'nowhere'), anyJson),
    version: fc.oneof(fc.nat({ max: 5 }), fc.constant('v1'), anyJson),
    rules: fc.array(rule, { maxLength: 3 }),
  },
  { requiredKeys: ['id', 'title', 'site', 'rules'] },
);

/** A valid permit of this site with a daily_total rule on a sensor whose unit may be unknown (the old 500). */
const dailyTotalPermit = fc
  .record({
    id: fc.constantFrom('p1', 'p2'),
    sensor: fc.constantFrom('plant.flow', 'plant.level', 'plant.never', 'plant.flow_m'),
    max: limit,
    more: fc.array(validRule, { maxLength: 1 }),
  })
  .map(({ id, sensor, max, more }) => ({
    id,
    title: 'Permiso de vertimientos',
    site: 'mobile-plant',
    rules: [{ id: 'total', sensor, kind: 'max', max, averaging: 'daily_total', severity: 'breach' }, ...more],
  }));

describe('routes with a body (fuzz): 2xx or 4xx with the error body, never a 5xx', () => {
  it('PUT /api/v1/permits: random permits, rules, sensors with and without a unit, sites and users', async () => {
    const seen = new Map<number, number>();
    let waiting = 0; // accepted permits with a daily_total rule (a sensor of this site, with or without a unit)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('admin', 'admin', 'officer', 'officer', 'operator'),
        fc.oneof(
          { arbitrary: fc.record({ permits: fc.array(permit, { maxLength: 2 }) }), weight: 6 },
          { arbitrary: fc.record({ permits: fc.tuple(dailyTotalPermit) }), weight: 2 },
          fc.jsonValue(),
        ),
        // Rarely: the unit of a sensor without one arrives (plant.never's never does).
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 30 }, fc.constantFrom('plant.flow', 'plant.level')),
        async (who, body, unitArrives) => {
          const status = await expect2xxOr4xx(await send('PUT', '/api/v1/permits', cookies[who], JSON.stringify(body)));
          seen.set(status, (seen.get(status) ?? 0) + 1);
          const rules =
            (body as { permits?: { rules?: { sensor?: unknown; averaging?: unknown }[] }[] } | null)?.permits ?? [];
          if (
            status === 200 &&
            Array.isArray(rules) &&
            rules.some((p) =>
              p.rules?.some((x) => x.averaging === 'daily_total' && String(x.sensor).startsWith('plant.')),
            )
          )
            waiting++;
          if (unitArrives) {
            // Sometimes the unit a waiting rule needs arrives, with a reading.
            const res = await ingest(
              'plant-01',
              [r(unitArrives, T0 - 60_000, 4)],
              [{ id: unitArrives, quantity: 'volumetric_flow', unit: 'L/s' }],
            );
            await expect2xxOr4xx(res);
          }
          await t.compliance.idle();
          for (const path of ['/api/v1/rules/status', '/api/v1/permits']) {
            expect((await t.app.request(path, { headers: { cookie: cookies.admin } })).status).toBe(200);
          }
        },
      ),
      { numRuns: 150 },
    );
    // The generator must reach acceptance and each refusal often enough to mean something.
    expect(seen.get(200) ?? 0).toBeGreaterThan(10);
    expect(seen.get(422) ?? 0).toBeGreaterThan(10);
    expect(seen.get(403) ?? 0).toBeGreaterThan(5);
    expect(waiting).toBeGreaterThan(10);
  });

  it('POST /api/v1/breaches/:id/ack: random ids and bodies', async () => {
    const id = fc.oneof(
      fc.constant(() => String(breachId)),
      fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('1e400', '-0', '0x1', '%00')).map((s) => () => s),
    );
    const body = fc.oneof(
      fc
        .record({ note: fc.oneof(fc.string(), fc.constant('revisado en campo'), anyJson) })
        .map((b) => JSON.stringify(b)),
      fc.jsonValue().map((b) => JSON.stringify(b)),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(id, body, fc.constantFrom('admin', 'officer', 'operator'), async (idOf, text, who) => {
        await expect2xxOr4xx(
          await send('POST', `/api/v1/breaches/${encodeURIComponent(idOf())}/ack`, cookies[who], text),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/v1/login and /api/v1/logout: random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ user: fc.oneof(fc.constant('ana'), fc.string()), password: fc.string() }), fc.jsonValue()),
        async (b) => {
          await expect2xxOr4xx(await send('POST', '/api/v1/login', '', JSON.stringify(b)));
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (b) => {
        await expect2xxOr4xx(await send('POST', '/api/v1/logout', cookies.operator, JSON.stringify(b)));
      }),
      { numRuns: 20 },
    );
  });
});
