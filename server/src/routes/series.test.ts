import { ErrorBody, SeriesResponse } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let cookie: string;
let token: string;
beforeEach(async () => {
  t = await makeTestApp();
  token = t.device('plant-01');
  // 0..59 s: values 0..59 every second, then a gap, then 120..179 s: value 100.
  const readings = [
    ...Array.from({ length: 60 }, (_, i) => ({ sensor: 'plant.ph', ts: T0 + i * 1000, value: i })),
    ...Array.from({ length: 60 }, (_, i) => ({ sensor: 'plant.ph', ts: T0 + 120_000 + i * 1000, value: 100 })),
  ];
  const res = await postBatch(t, token, { device: 'plant-01', readings });
  expect(res.status).toBe(200);
  cookie = await t.signIn('ana', 'officer');
});
afterEach(() => t.close());

const get = (query: string, c = cookie) => t.app.request(`/api/v1/series?${query}`, { headers: { cookie: c } });

describe('GET /api/v1/series', () => {
  it('answers at most `points` buckets of min/mean/max with the gap left out', async () => {
    const res = await get(`sensor=plant.ph&from=${T0}&to=${T0 + 180_000}&points=6`);
    expect(res.status).toBe(200);
    const body = SeriesResponse.parse(await res.json());
    expect(body.bucket_ms).toBe(30_000);
    expect(body.buckets).toEqual([
      { ts: T0, min: 0, mean: 14.5, max: 29, n: 30 },
      { ts: T0 + 30_000, min: 30, mean: 44.5, max: 59, n: 30 },
      { ts: T0 + 120_000, min: 100, mean: 100, max: 100, n: 30 },
      { ts: T0 + 150_000, min: 100, mean: 100, max: 100, n: 30 },
    ]);
  });

  it('uses bucketMsFor: never under 1 s, whole seconds', async () => {
    const body = SeriesResponse.parse(
      await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 3500}&points=1000`)).json(),
    );
    expect(body.bucket_ms).toBe(1000);
    expect(body.buckets.map((b) => b.n)).toEqual([1, 1, 1, 1]);
  });

  it('starts buckets of a minute or more on a UTC minute, so the stores can use their rollups', async () => {
    const from = T0 + 17_500; // not on a minute
    const body = SeriesResponse.parse(
      await (await get(`sensor=plant.ph&from=${from}&to=${from + 3_600_000}&points=30`)).json(),
    );
    expect(body.from).toBe(Math.floor(from / 60_000) * 60_000);
    // 3,617.5 s over 30 points is 120.6 s: whole minutes, so 3 (at most 30 buckets).
    expect(body.bucket_ms).toBe(180_000);
    expect(body.buckets.every((b) => (b.ts - body.from) % 180_000 === 0)).toBe(true);
    // The aligned start (T0, a whole minute) reaches back over the first 17 readings: all 120 count, once.
    expect(body.buckets.reduce((n, b) => n + b.n, 0)).toBe(120);
  });

  it('marks corrected readings at any range, and uncertain ones while buckets are under a minute', async () => {
    const send = (readings: unknown[]) => postBatch(t, token, { device: 'plant-01', readings });
    // Reading 5 corrected; readings 200 and 201 s sent with an uncertain time.
    expect(
      (await send([{ sensor: 'plant.ph', ts: T0 + 5000, value: 50, correction: true, reason: 'recal' }])).status,
    ).toBe(200);
    const late = [200, 201].map((s) => ({ sensor: 'plant.ph', ts: T0 + s * 1000, value: 7, q: 'uncertain' }));
    expect((await send(late)).status).toBe(200);

    const fine = SeriesResponse.parse(
      await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 300_000}&points=1000`)).json(),
    );
    expect(fine.bucket_ms).toBe(1000);
    expect(fine.marks).toEqual({ corrected: [T0 + 5000], uncertain: [T0 + 200_000, T0 + 201_000], truncated: false });

    const coarse = SeriesResponse.parse(
      await (await get(`sensor=plant.ph&from=${T0}&to=${T0 + 3_600_000}&points=10`)).json(),
    );
    expect(coarse.bucket_ms).toBeGreaterThanOrEqual(60_000);
    expect(coarse.marks).toEqual({ corrected: [T0 + 5000], uncertain: null, truncated: false });
  });

  const bad: [string, string][] = [
    ['sensor=Bad Id&from=1&to=2', 'sensor'],
    [`sensor=plant.ph&from=abc&to=${T0}`, 'from'],
    [`sensor=plant.ph&from=${T0}&to=${T0}`, 'to'],
    [`sensor=plant.ph&from=${T0}&to=${T0 + 1}&points=0`, 'points'],
    [`sensor=plant.ph&from=${T0}&to=${T0 + 1}&points=999999`, 'points'],
    [`from=${T0}&to=${T0 + 1}`, 'sensor'],
  ];
  for (const [query, path] of bad) {
    it(`answers 400 naming "${path}" for ${query}`, async () => {
      const res = await get(query);
      expect(res.status).toBe(400);
      const body = ErrorBody.parse(await res.json());
      expect(body.error).toMatchObject({ code: 'invalid_query', path });
    });
  }

  it('answers 404 for an unknown sensor, and for a sensor of a site the user may not see', async () => {
    const unknown = await get(`sensor=nope&from=${T0}&to=${T0 + 1000}`);
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(await unknown.json()).error).toMatchObject({ code: 'sensor_unknown', path: 'sensor' });
    const elsewhere = await t.signIn('remote', 'operator', ['other-site']);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0 + 1000}`, elsewhere)).status).toBe(404);
    const here = await t.signIn('local', 'operator', ['mobile-plant']);
    expect((await get(`sensor=plant.ph&from=${T0}&to=${T0 + 1000}`, here)).status).toBe(200);
  });
});
