import { gzipSync } from 'node:zlib';
import { ErrorBody, type IngestBatchInput } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let token: string;
beforeEach(async () => {
  t = await makeTestApp();
  token = t.device('plant-01');
});
afterEach(() => t.close());

const batch = (readings: IngestBatchInput['readings'], extra: Partial<IngestBatchInput> = {}): IngestBatchInput => ({
  device: 'plant-01',
  readings,
  ...extra,
});

function post(body: string | Uint8Array, headers: Record<string, string> = {}, bearer: string | null = token) {
  return t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }), ...headers },
    body,
  });
}

/** Nothing of a refused batch may be left: no reading, no sensor, no device status. */
async function expectNothingStored() {
  expect(await t.store.latest()).toEqual([]);
  expect(t.meta.listSensors([])).toEqual([]);
  expect(t.meta.listDevices([]).map((d) => d.last_seen)).toEqual([null]);
}

async function expectError(res: Response, status: number, code: string, path?: string) {
  expect(res.status).toBe(status);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(body.error.path).toBe(path);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

describe('POST /api/v1/ingest', () => {
  it('stores a batch, registers its sensors and the device status, and answers accepted', async () => {
    const res = await post(
      JSON.stringify(
        batch(
          [
            { sensor: 'plant.ph', ts: T0, value: 7.1 },
            { sensor: 'plant.ph', ts: T0 + 1000, value: 7.3, q: 'uncertain' },
          ],
          {
            sensors: [{ id: 'plant.ph', name: 'pH de salida', quantity: 'ph', unit: 'pH' }],
            status: { backlog: 12, dropped: 3, clock_offset_ms: -40 },
          },
        ),
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2 });
    expect(await t.store.latest()).toEqual([{ sensor: 'plant.ph', ts: T0 + 1000, value: 7.3, q: 'uncertain' }]);
    expect(t.meta.listSensors([])).toMatchObject([
      { id: 'plant.ph', device: 'plant-01', site: 'mobile-plant', name: 'pH de salida', quantity: 'ph', unit: 'pH' },
    ]);
    expect(t.meta.listDevices([])[0]).toMatchObject({
      last_seen: t.clock.now(),
      backlog: 12,
      dropped: 3,
      clock_offset_ms: -40,
    });
  });

  it('accepts a gzip body', async () => {
    const body = gzipSync(JSON.stringify(batch([{ sensor: 'tunnel.ch4', ts: T0, value: 0.4 }])));
    const res = await post(body, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await t.store.latest()).toEqual([{ sensor: 'tunnel.ch4', ts: T0, value: 0.4, q: 'good' }]);
  });

  it('the same batch twice leaves one copy; a new value for the same (sensor, ts) is refused (409)', async () => {
    const body = JSON.stringify(
      batch([
        { sensor: 'a', ts: T0, value: 1 },
        { sensor: 'a', ts: T0 + 1000, value: 2 },
      ]),
    );
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    expect(await t.store.query('a', T0, T0 + 2000, 2000)).toEqual([{ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 }]);
    await expectError(
      await post(JSON.stringify(batch([{ sensor: 'a', ts: T0, value: 5 }]))),
      409,
      'reading_conflict',
      'readings[0]',
    );
    expect(await t.store.query('a', T0, T0 + 2000, 2000)).toEqual([{ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 }]);
    // Corrections: ingest-corrections.test.ts.
  });

  it('an empty batch is accepted and records the device as seen', async () => {
    const res = await post(JSON.stringify(batch([], { status: { backlog: 0, dropped: 0 } })));
    expect(await res.json()).toEqual({ accepted: 0 });
    expect(t.meta.listDevices([])[0].last_seen).toBe(t.clock.now());
  });

  const good = { sensor: 'plant.ph', ts: T0, value: 7 };
  const cases: [string, () => string | Uint8Array, Record<string, string>, number, string, string | undefined][] = [
    ['malformed JSON', () => '{"device": "plant-01", "readings": [', {}, 400, 'invalid_json', undefined],
    ['a body that is not an object', () => '[1,2]', {}, 422, 'invalid_batch', undefined],
    [
      'an unknown top-level key',
      () => JSON.stringify({ ...batch([good]), extra: 1 }),
      {},
      422,
      'invalid_batch',
      undefined,
    ],
    [
      'a wrong type',
      () => JSON.stringify(batch([good, { ...good, ts: T0 + 1, value: '7' as unknown as number }])),
      {},
      422,
      'invalid_batch',
      'readings[1].value',
    ],
    [
      'Infinity from 1e999',
      () =>
        `{"device":"plant-01","readings":[${JSON.stringify(good)},{"sensor":"plant.ph","ts":${T0 + 1},"value":1e999}]}`,
      {},
      422,
      'invalid_batch',
      'readings[1].value',
    ],
    [
      'a fractional ts',
      () => JSON.stringify(batch([good, { ...good, ts: T0 + 0.5 }])),
      {},
      422,
      'invalid_batch',
      'readings[1].ts',
    ],
    [
      'a ts before 2000',
      () => JSON.stringify(batch([good, good, good, { ...good, ts: 1000 }])),
      {},
      422,
      'invalid_batch',
      'readings[3].ts',
    ],
    [
      'a ts more than a day ahead',
      () => JSON.stringify(batch([good, { ...good, ts: T0 + 60_000 + 86_400_001 }])),
      {},
      422,
      'ts_in_future',
      'readings[1].ts',
    ],
    [
      'a bad sensor id',
      () => JSON.stringify(batch([good, { ...good, sensor: 'Plant PH' }])),
      {},
      422,
      'invalid_batch',
      'readings[1].sensor',
    ],
    [
      'a bad quality',
      () => JSON.stringify(batch([{ ...good, q: 'meh' as 'good' }])),
      {},
      422,
      'invalid_batch',
      'readings[0].q',
    ],
    [
      'a unit of another quantity',
      () => JSON.stringify(batch([good], { sensors: [{ id: 'plant.ph', quantity: 'ph', unit: 'ppm' }] })),
      {},
      422,
      'invalid_batch',
      'sensors[0].unit',
    ],
    [
      'another device in the body',
      () => JSON.stringify({ ...batch([good]), device: 'plant-02' }),
      {},
      403,
      'device_mismatch',
      'device',
    ],
    [
      'a body over 5 MB',
      () => JSON.stringify(batch([good])).padEnd(5 * 1024 * 1024 + 1, ' '),
      {},
      413,
      'body_too_large',
      undefined,
    ],
    [
      'gzip that inflates past 50 MB',
      () => gzipSync(JSON.stringify(batch([good])).padEnd(51 * 1024 * 1024, ' ')),
      { 'content-encoding': 'gzip' },
      413,
      'body_too_large',
      undefined,
    ],
    [
      'a body claimed gzip that is not',
      () => '{"device":"plant-01","readings":[]}',
      { 'content-encoding': 'gzip' },
      400,
      'invalid_gzip',
      undefined,
    ],
    ['an unsupported encoding', () => 'x', { 'content-encoding': 'br' }, 415, 'unsupported_encoding', undefined],
  ];
  for (const [name, body, headers, status, code, path] of cases) {
    it(`refuses ${name} (${status} ${code}${path ? ` at ${path}` : ''}) and stores nothing`, async () => {
      await expectError(await post(body(), headers), status, code, path);
      await expectNothingStored();
    });
  }

  it('refuses a missing, unknown or revoked token with 401 and stores nothing', async () => {
    const body = JSON.stringify(batch([good]));
    await expectError(await post(body, {}, null), 401, 'token_missing');
    await expectError(await post(body, { authorization: 'Basic abc' }, null), 401, 'token_missing');
    await expectError(await post(body, {}, `${token}x`), 401, 'token_invalid');
    t.meta.revokeDevice('plant-01', t.clock.now());
    await expectError(await post(body), 401, 'token_revoked');
    await expectNothingStored();
  });

  it('refuses a sensor id another device owns (409 naming it) and stores nothing of the batch', async () => {
    const other = t.device('plant-02');
    const mine = { sensor: 'plant.ph', ts: T0, value: 7 };
    expect((await post(JSON.stringify({ device: 'plant-02', readings: [mine] }), {}, other)).status).toBe(200);
    const res = await post(
      JSON.stringify(
        batch([
          { ...mine, sensor: 'mine.only' },
          { ...mine, value: 1 },
        ]),
      ),
    );
    await expectError(res, 409, 'sensor_taken', 'readings[1].sensor');
    expect(await t.store.latest()).toEqual([{ ...mine, q: 'good' }]);
    expect(t.meta.sensorById('mine.only')).toBeUndefined();
  });

  it('counts accepted readings and refused batches in /metrics', async () => {
    await post(JSON.stringify(batch([good, { ...good, ts: T0 + 1 }])));
    await post('{');
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toMatch(/^vigia_ingest_readings_total 2$/m);
    expect(text).toMatch(/^vigia_ingest_batches_total 1$/m);
    expect(text).toMatch(/^vigia_errors_total\{component="http",code="invalid_json"\} 1$/m);
  });
});
