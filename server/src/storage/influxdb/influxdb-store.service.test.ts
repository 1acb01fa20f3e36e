// The InfluxDB store against a real influxd 1.6.7 (one per file, a fresh database per test):
// the shared contract, then what this backend does its own way, then the real server process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FatalError, type Reading, type SeriesBucket, TransientError } from '@vigia/shared';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxService, startInfluxd } from '../../../../test/services/influxd.ts';
import { freePort } from '../../../../test/services/util.ts';
import { type Proc, startNode } from '../../../../test/support/process.ts';
import { storeContract } from '../store.contract.ts';
import { type InfluxStore, type InfluxStoreOptions, openInfluxStore } from './influxdb-store.ts';

const T0 = 1_764_000_000_000;
const r = (sensor: string, ts: number, value: number, q: Reading['q'] = 'good'): Reading => ({ sensor, ts, value, q });

let influx: InfluxService;
let dbCount = 0;
beforeAll(async () => {
  influx = await startInfluxd();
});
afterAll(async () => {
  await influx?.stop();
});

async function influxql(q: string, db?: string): Promise<{ results: { series?: { values: unknown[][] }[] }[] }> {
  const body = new URLSearchParams({ q, epoch: 'ms', ...(db && { db }) });
  const res = await fetch(`${influx.url}/query`, { method: 'POST', body });
  expect(res.status).toBe(200);
  return res.json() as never;
}
const valuesOf = async (q: string, db: string) => (await influxql(q, db)).results[0].series?.[0]?.values ?? [];

/** A store on a database of its own, dropped by `dispose`. */
function freshStore(extra: Partial<InfluxStoreOptions> = {}): {
  store: InfluxStore;
  db: string;
  dispose(): Promise<void>;
} {
  const db = `vigia_test_${++dbCount}`;
  const store = openInfluxStore({ url: influx.url, db, timeoutMs: 5000, ...extra });
  return { store, db, dispose: async () => void (await influxql(`DROP DATABASE ${db}`)) };
}

storeContract('influxdb (real influxd 1.6.7)', async () => freshStore(), { minuteSummaries: false });

describe('influxdb store (its own behaviour)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });
  /**
   * A proxy in front of the real influxd on a free port: `intercept` sees each request's body and
   * URL and may answer in influxd's place; otherwise the request goes through.
   */
  const proxyToInflux = async (
    intercept: (body: Buffer, url: string) => { status: number; body: string } | undefined,
  ): Promise<number> => {
    const proxy: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const own = intercept(body, req.url ?? '');
      if (own) {
        res.writeHead(own.status).end(own.body);
        return;
      }
      const up = await fetch(`${influx.url}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        body,
      });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await up.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    );
    return (proxy.address() as { port: number }).port;
  };
  const fresh = (extra: Partial<InfluxStoreOptions> = {}) => {
    const f = freshStore(extra);
    cleanup.push(async () => {
      await f.store.close();
      await f.dispose();
    });
    return f;
  };

  it('writes the documented schema: tags site, device, sensor, quantity, unit; value float; q only when not good', async () => {
    const { store, db } = fresh();
    const labels = { site: 'mobile-plant', device: 'plant-01', quantity: 'methane', unit: '%vol' };
    await store.write(
      [r('tunnel.ch4', T0, 1.25), r('tunnel.ch4', T0 + 1000, 2, 'bad')],
      new Map([['tunnel.ch4', labels]]),
    );
    expect(await valuesOf('SHOW SERIES FROM reading', db)).toEqual([
      ['reading,device=plant-01,quantity=methane,sensor=tunnel.ch4,site=mobile-plant,unit=%vol'],
    ]);
    expect(await valuesOf('SHOW FIELD KEYS FROM reading', db)).toEqual([
      ['q', 'string'],
      ['value', 'float'],
    ]);
    expect(await valuesOf(`SELECT value, q FROM reading WHERE time >= ${T0}ms AND time < ${T0 + 2000}ms`, db)).toEqual([
      [T0, 1.25, null],
      [T0 + 1000, 2, 'bad'],
    ]);
  });

  it('escapes awkward tag values as its README says, and they round-trip through influxd', async () => {
    const { store, db } = fresh();
    const id = 'a b,c=d\\e\nf%g "ñ"';
    const labels = { site: 'site one', device: 'dev=1', quantity: 'x,y', unit: 'back\\slash\r\n' };
    await store.write([r(id, T0, 3)], new Map([[id, labels]]));
    const [[key]] = await valuesOf('SHOW SERIES FROM reading', db);
    expect(key).toBe(
      'reading,device=dev\\=1,quantity=x\\,y,sensor=a\\ b\\,c\\=d%5Ce%0Af%25g\\ "ñ",site=site\\ one,unit=back%5Cslash%0D%0A',
    );
    // What a Grafana user sees: the id itself, with only backslash, %, CR and LF encoded.
    expect(await valuesOf('SHOW TAG VALUES FROM reading WITH KEY = sensor', db)).toEqual([
      ['sensor', 'a b,c=d%5Ce%0Af%25g "ñ"'],
    ]);
    expect(await store.latest()).toEqual([r(id, T0, 3)]);
  });

  it('pins a sensor’s series tags at its first write, also for a store opened later on the same database', async () => {
    const { store, db } = fresh();
    const first = { site: 'mobile-plant', device: 'plant-01', quantity: 'ph', unit: 'pH' };
    await store.write([r('plant.ph', T0, 7)], new Map([['plant.ph', first]]));
    await store.close();
    const reopened = openInfluxStore({ url: influx.url, db });
    cleanup.push(() => reopened.close());
    const changed = { site: 'mobile-plant', device: 'plant-01', quantity: 'ph', unit: 'pH units' };
    await reopened.write(
      [{ ...r('plant.ph', T0, 7.5), correction: true }, r('plant.ph', T0 + 1000, 8)],
      new Map([['plant.ph', changed]]),
    );
    expect(await valuesOf('SHOW SERIES FROM reading', db)).toEqual([
      ['reading,device=plant-01,quantity=ph,sensor=plant.ph,site=mobile-plant,unit=pH'],
    ]);
    expect(await reopened.query('plant.ph', T0, T0 + 2000, 2000)).toEqual([
      { ts: T0, min: 7.5, mean: 7.75, max: 8, n: 2 },
    ]);
  });

  it('a stopped influxd gives a TransientError naming its URL; after a restart the same store works again', async () => {
    const { store } = fresh();
    await store.write([r('a', T0, 1)]);
    expect(store.status().state).toBe('ok');
    await influx.halt();
    try {
      const err = await store.write([r('a', T0 + 1000, 2)]).catch((e) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect(err.code).toBe('influx_unreachable');
      expect(err.message).toContain(`InfluxDB at ${influx.url} is unreachable`);
      await expect(store.query('a', T0, T0 + 2000, 1000)).rejects.toBeInstanceOf(TransientError);
      await expect(store.latest()).rejects.toBeInstanceOf(TransientError);
      expect(store.status()).toMatchObject({ state: 'retrying', detail: expect.stringContaining(influx.url) });
    } finally {
      await influx.restart();
    }
    await store.write([r('a', T0 + 1000, 2)]); // the edge re-sends
    expect(store.status().state).toBe('ok');
    expect(await store.query('a', T0, T0 + 2000, 2000)).toEqual([{ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 }]);
  });

  it('connect() to a port nobody listens on rejects with influx_unreachable', async () => {
    const store = openInfluxStore({ url: `http://127.0.0.1:${await freePort()}`, db: 'nowhere', timeoutMs: 2000 });
    await expect(store.connect()).rejects.toMatchObject({ code: 'influx_unreachable' });
    expect(store.status().state).toBe('retrying');
    await store.close();
    expect(store.status().state).toBe('stopped');
  });

  it('a database dropped while the store runs is created again on the next write', async () => {
    const { store, db } = fresh();
    await store.write([r('a', T0, 1)]);
    await influxql(`DROP DATABASE ${db}`);
    await store.write([r('a', T0 + 1000, 2)]);
    expect(await store.latest()).toEqual([r('a', T0 + 1000, 2)]);
  });

  it('a batch split over requests whose later request fails is rejected; re-sending it converges to every reading once', async () => {
    // A proxy in front of the real influxd answers 503 to the second /write it sees.
    let writes = 0;
    const port = await proxyToInflux((_body, url) => {
      if (url.startsWith('/write') && ++writes === 2) return { status: 503, body: '{"error":"simulated overload"}' };
      return undefined;
    });
    const { store, db } = fresh({ url: `http://127.0.0.1:${port}`, maxRequestBytes: 2000 });
    const batch = Array.from({ length: 300 }, (_, i) => r(`s${i % 3}`, T0 + i * 1000, i));
    const count = async () =>
      Number(
        (
          await valuesOf(`SELECT count(value) FROM reading WHERE time >= ${T0}ms AND time < ${T0 + 300_000}ms`, db)
        )[0]?.[1] ?? 0,
      );

    await expect(store.write(batch)).rejects.toMatchObject({ code: 'influx_unavailable' });
    const partial = await count();
    expect(partial).toBeGreaterThan(0); // the honest guarantee: the first request was stored
    expect(partial).toBeLessThan(300);
    await store.write(batch);
    expect(writes).toBeGreaterThan(3);
    expect(await count()).toBe(300);
    expect(await store.query('s0', T0, T0 + 300_000, 300_000)).toEqual([
      { ts: T0, min: 0, mean: 148.5, max: 297, n: 100 },
    ]);
  });

  it('a large correction keeps every request within maxRequestBytes, revisions included, and stores them all', async () => {
    // A proxy in front of the real influxd records the size of every /write body.
    const sizes: number[] = [];
    const port = await proxyToInflux((body, url) => {
      if (url.startsWith('/write')) sizes.push(body.length);
      return undefined;
    });
    const maxRequestBytes = 2000;
    const { store } = fresh({ url: `http://127.0.0.1:${port}`, maxRequestBytes });
    const batch = Array.from({ length: 100 }, (_, i) => r('sensor.ñandú', T0 + i * 1000, i));
    await store.write(batch);
    sizes.length = 0;
    const fixed = batch.map((x) => ({ ...x, value: x.value + 0.5, correction: true as const, reason: 'recalibrado' }));
    const result = await store.write(fixed, undefined, { by: 'plant-01', at: T0 + 3_600_000 });

    expect(result.revisions).toHaveLength(100);
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(maxRequestBytes);
    const stored = await store.revisions('sensor.ñandú', T0, T0 + 100_000);
    expect(stored).toHaveLength(100);
    expect(stored[99]).toMatchObject({ value: 99, new_value: 99.5, reason: 'recalibrado' });
    expect((await store.readings('sensor.ñandú', T0, T0 + 100_000)).map((x) => x.value)).toEqual(
      fixed.map((x) => x.value),
    );
  });

  it('a write influxd refuses (a field type clash left by another program) is a FatalError naming its answer', async () => {
    const { store, db } = fresh();
    await store.connect();
    const res = await fetch(`${influx.url}/write?db=${db}&precision=ms`, {
      method: 'POST',
      body: `reading,sensor=other value="text" ${T0}`,
    });
    expect(res.status).toBe(204);
    const err = await store.write([r('a', T0 + 1000, 1)]).catch((e) => e);
    expect(err).toBeInstanceOf(FatalError);
    expect(err.code).toBe('influx_rejected');
    expect(err.message).toMatch(/answered 400 while writing readings: .*field type conflict/);
    expect(store.status().state).toBe('failed');
  });
});

describe('influxdb store rollups (reading_1m, reading_1h)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });
  const fresh = () => {
    const f = freshStore();
    const raw = openInfluxStore({ url: influx.url, db: f.db, timeoutMs: 5000, queryFrom: 'raw' });
    cleanup.push(async () => {
      await raw.close();
      await f.store.close();
      await f.dispose();
    });
    return { ...f, raw };
  };
  /** Means may differ in the last bits (summation order); everything else must be equal. */
  const sameBuckets = (got: SeriesBucket[], want: SeriesBucket[]) => {
    expect(got.map(({ mean, ...b }) => b)).toEqual(want.map(({ mean, ...b }) => b));
    for (const [i, b] of got.entries()) {
      expect(Math.abs(b.mean - want[i].mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i].mean)));
    }
  };

  it('keeps minute and hour rollups with the pinned tags, recomputed when a reading is replaced', async () => {
    const { store, db } = fresh();
    const labels = new Map([['plant.ph', { site: 'mobile-plant', device: 'plant-01', quantity: 'ph', unit: 'pH' }]]);
    await store.write([r('plant.ph', T0, 7), r('plant.ph', T0 + 30_000, 9), r('plant.ph', T0 + 90_000, 8)], labels);
    await store.write([{ ...r('plant.ph', T0 + 30_000, 6), correction: true }]); // replaces 9: the minute's max must drop
    await store.write([r('plant.ph', T0 + 100_000, 10)]); // appends: reads nothing, builds on the remembered minute
    expect(await valuesOf('SHOW SERIES FROM reading_1m', db)).toEqual([
      ['reading_1m,device=plant-01,quantity=ph,sensor=plant.ph,site=mobile-plant,unit=pH'],
    ]);
    expect(
      await valuesOf(
        `SELECT "min", "max", "sum", "count" FROM reading_1m WHERE time >= ${T0}ms AND time < ${T0 + 120_000}ms`,
        db,
      ),
    ).toEqual([
      [T0, 6, 7, 13, 2],
      [T0 + 60_000, 8, 10, 18, 2],
    ]);
    const hour = T0 - (T0 % 3_600_000);
    expect(
      await valuesOf(
        `SELECT "min", "max", "sum", "count" FROM reading_1h WHERE time >= ${hour}ms AND time < ${hour + 3_600_000}ms`,
        db,
      ),
    ).toEqual([[hour, 6, 10, 31, 4]]);
  });

  it('builds the rollups once for a database written before they existed', async () => {
    const { store, raw, db } = fresh();
    await raw.connect();
    const lines = Array.from({ length: 500 }, (_, i) => `reading,sensor=old value=${i % 37} ${T0 + i * 17_000}`);
    const res = await fetch(`${influx.url}/write?db=${db}&precision=ms`, { method: 'POST', body: lines.join('\n') });
    expect(res.status).toBe(204);
    const from = T0 + 12_345;
    const to = T0 + 500 * 17_000;
    sameBuckets(await store.query('old', from, to, 7 * 60_000), await raw.query('old', from, to, 7 * 60_000));
    expect((await valuesOf('SHOW MEASUREMENTS', db)).map(([m]) => m)).toEqual(['reading', 'reading_1h', 'reading_1m']);
  });

  it('answers like a raw-only query over random data, batches, corrections and ranges (property, real influxd)', async () => {
    const reading = fc.record({
      sensor: fc.constantFrom('a', 'b'),
      ts: fc.integer({ min: 0, max: 4 * 3_600_000 }).map((t) => T0 + t),
      value: fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
      q: fc.constantFrom<Reading['q']>('good', 'good', 'uncertain', 'bad'),
    });
    const query = fc.record({
      from: fc.integer({ min: -600_000, max: 3_600_000 }).map((t) => T0 + t),
      span: fc.integer({ min: 60_000, max: 5 * 3_600_000 }),
      bucketS: fc.oneof(fc.integer({ min: 60, max: 600 }), fc.integer({ min: 600, max: 8000 })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reading, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (batches, queries, append) => {
          const { store, raw } = fresh();
          // append: each batch after everything stored (the path that reads nothing first).
          let newest = T0 - 1;
          for (const batch of batches) {
            const shifted = append ? batch.map((x) => ({ ...x, ts: newest + 1 + ((x.ts - T0) % 1_800_000) })) : batch;
            newest = Math.max(newest, ...shifted.map((x) => x.ts));
            // Corrections: an overwrite of a stored (sensor, ts) is allowed only so.
            await store.write(shifted.map((x) => ({ ...x, correction: true as const })));
          }
          for (const { from, span: wanted, bucketS } of queries) {
            const bucketMs = bucketS * 1000;
            const span = Math.min(wanted, 60 * bucketMs); // few enough edges for the rollup path
            for (const sensor of ['a', 'b']) {
              sameBuckets(
                await store.query(sensor, from, from + span, bucketMs),
                await raw.query(sensor, from, from + span, bucketMs),
              );
            }
          }
          for (const f of cleanup.splice(0)) await f();
        },
      ),
      { numRuns: 16 },
    );
  });
});

describe('vigia-server with VIGIA_INFLUX_URL (real process)', () => {
  const BIN = fileURLToPath(new URL('../../../bin/vigia-server.mjs', import.meta.url));
  let dataDir: string;
  let server: Proc | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigia-influx-main-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const db = 'vigia_process';
  const admin = (args: string[], input?: string) => {
    const run = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, VIGIA_DATA_DIR: dataDir, VIGIA_INFLUX_URL: influx.url, VIGIA_INFLUX_DB: db },
      input,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout.trimEnd().split('\n').at(-1)!;
  };
  async function serve(): Promise<{ url: string; proc: Proc }> {
    const proc = startNode('vigia-server', BIN, [], {
      logFile: join(dataDir, 'server.log'),
      env: {
        VIGIA_DATA_DIR: dataDir,
        VIGIA_INFLUX_URL: influx.url,
        VIGIA_INFLUX_DB: db,
        VIGIA_PORT: '0',
        VIGIA_HOST: '127.0.0.1',
        VIGIA_LOG_LEVEL: 'warn',
      },
    });
    server = proc;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = /^Vigía server listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(proc.log());
      if (m) return { url: m[1], proc };
      if (Date.now() > deadline || proc.child.exitCode !== null)
        throw new Error(`server did not start:\n${proc.log()}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  it('stores an ingested batch in InfluxDB (not readings.db) and serves it from GET /api/v1/series; survives influxd being down', async () => {
    const token = admin(['device', 'add', 'plant-01', '--site', 'mobile-plant']);
    admin(['user', 'add', 'ana', '--role', 'operator', '--all-sites', '--password-stdin'], 'a long password\n');
    const { url, proc } = await serve();
    expect(proc.log()).toContain(`Readings: InfluxDB at ${influx.url}, database "${db}"`);

    const ingest = (readings: Reading[]) =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          device: 'plant-01',
          readings,
          sensors: [{ id: 'plant.ph', name: 'pH de descarga', quantity: 'ph', unit: 'pH' }],
        }),
      });
    const res = await ingest([r('plant.ph', T0, 7.2), r('plant.ph', T0 + 30_000, 7.4), r('plant.ph', T0 + 70_000, 8)]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3 });

    const login = await fetch(`${url}/api/v1/login`, {
      method: 'POST',
      body: JSON.stringify({ user: 'ana', password: 'a long password' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const series = await fetch(`${url}/api/v1/series?sensor=plant.ph&from=${T0}&to=${T0 + 120_000}&points=2`, {
      headers: { cookie },
    });
    expect(await series.json()).toEqual({
      sensor: 'plant.ph',
      from: T0,
      to: T0 + 120_000,
      bucket_ms: 60_000,
      buckets: [
        { ts: T0, min: 7.2, mean: expect.closeTo(7.3, 12), max: 7.4, n: 2 },
        { ts: T0 + 60_000, min: 8, mean: 8, max: 8, n: 1 },
      ],
      // The chart's marks of corrected and uncertain readings (docs/api.md, "series").
      marks: { corrected: [], truncated: false, uncertain: null },
    });
    expect(await valuesOf('SHOW SERIES FROM reading', db)).toEqual([
      ['reading,device=plant-01,quantity=ph,sensor=plant.ph,site=mobile-plant,unit=pH'],
    ]);
    expect(existsSync(join(dataDir, 'readings.db'))).toBe(false);

    // influxd down: 503 naming it, the gauge says 0; back up: the re-sent batch is accepted.
    await influx.halt();
    try {
      const down = await ingest([r('plant.ph', T0 + 90_000, 9)]);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: { message: string } }).error.message).toContain(
        `InfluxDB at ${influx.url} is unreachable`,
      );
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^vigia_store_up 0$/m);
    } finally {
      await influx.restart();
    }
    expect((await ingest([r('plant.ph', T0 + 90_000, 9)])).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^vigia_store_up 1$/m);
    expect(await proc.stop()).toBe(0);
  });

  it('starts while InfluxDB is unreachable, says so, and answers ingest with 503', async () => {
    const token = admin(['device', 'add', 'plant-02', '--site', 'mobile-plant']);
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const proc = startNode('vigia-server', BIN, [], {
      logFile: join(dataDir, 'server-down.log'),
      env: { VIGIA_DATA_DIR: dataDir, VIGIA_INFLUX_URL: deadUrl, VIGIA_PORT: '0', VIGIA_HOST: '127.0.0.1' },
    });
    server = proc;
    const deadline = Date.now() + 20_000;
    let url: string | undefined;
    while (!url || !proc.log().includes('is unreachable')) {
      url = /^Vigía server listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(proc.log())?.[1];
      if (Date.now() > deadline) throw new Error(`no startup report:\n${proc.log()}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(proc.log()).toContain(`InfluxDB at ${deadUrl} is unreachable`);
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ device: 'plant-02', readings: [r('plant.x', T0, 1)] }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'influx_unreachable' });
    const health = (await (await fetch(`${url}/health`)).json()) as { store: { detail: string } };
    expect(health).toMatchObject({ ok: false, store: { state: 'retrying' } });
    expect(health.store.detail).toContain(deadUrl);
  });
});
