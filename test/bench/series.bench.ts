/**
 * The embedded store's series query over a long range: 30 days of one sensor at 1 Hz
 * (2.59 M readings) written through the `Store` interface, then the 1,000-bucket query the
 * dashboard asks for a month-long chart, from the rollups and from the raw rows (ratio).
 * Also what the rollups cost at ingest, against the same upsert into a raw-only table.
 * Then the same 30 days and query on the InfluxDB store (a real influxd): rollup measurements
 * `reading_1m`/`reading_1h` against one GROUP BY over the raw `reading` points.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInfluxStore, openSqliteStore, type Store } from '@vigia/server';
import { bucketMsFor, type Reading } from '@vigia/shared';
import Database from 'better-sqlite3';
import { startInfluxd } from '../services/influxd.ts';
import { type Bench, type Emit, percentile } from './figure.ts';

const DAYS = Number(process.env.BENCH_SERIES_DAYS ?? 30);
const READINGS = DAYS * 86_400;
const BULK_BATCH = 3600;
const SMALL_BATCH = 10;
const SMALL_READINGS = 36_000;
const QUERY_RUNS = 7;
const RAW_RUNS = 3;
/** 2025-11-01T00:00:00Z. */
const START = 1_761_955_200_000;

const readingAt = (i: number): Reading => ({
  sensor: 'plant.ph',
  ts: START + i * 1000,
  value: 7 + Math.sin(i / 3600) + (i % 17) / 100,
  q: 'good',
});

const batchOf = (first: number, size: number) => Array.from({ length: size }, (_, k) => readingAt(first + k));

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** The same schema and upsert as the store before rollups, for the ingest baseline. */
function rawOnly(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE readings (sensor TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
    q TEXT NOT NULL DEFAULT 'good', PRIMARY KEY (sensor, ts)) WITHOUT ROWID`);
  const upsert = db.prepare(
    `INSERT INTO readings (sensor, ts, value, q) VALUES (@sensor, @ts, @value, @q)
     ON CONFLICT (sensor, ts) DO UPDATE SET value = excluded.value, q = excluded.q`,
  );
  const write = db.transaction((rows: readonly Reading[]) => {
    for (const r of rows) upsert.run(r);
  });
  return { write, close: () => db.close() };
}

async function timeFill(write: (rows: Reading[]) => unknown, total: number, size: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < total; i += size) await write(batchOf(i, Math.min(size, total - i)));
  return performance.now() - t0;
}

async function ingestCost(dir: string, emit: Emit) {
  const small = async (withRollups: boolean) => {
    const file = join(dir, `small-${withRollups}.db`);
    if (withRollups) {
      const store = openSqliteStore(file);
      const ms = await timeFill((rows) => store.write(rows), SMALL_READINGS, SMALL_BATCH);
      await store.close();
      return ms;
    }
    const raw = rawOnly(file);
    const ms = await timeFill(raw.write, SMALL_READINGS, SMALL_BATCH);
    raw.close();
    return ms;
  };
  const rawMs = await small(false);
  const rollupMs = await small(true);
  emit({
    name: 'series.ingest_small_batches_with_rollups',
    value: Math.round(SMALL_READINGS / (rollupMs / 1000)),
    unit: 'readings/s',
    ratio: Number((rollupMs / rawMs).toFixed(2)),
    note: `${SMALL_READINGS} readings in batches of ${SMALL_BATCH}; ratio = time with rollups / raw-only upsert (${Math.round(SMALL_READINGS / (rawMs / 1000))} readings/s)`,
  });
}

/** The month-long chart query on `rollups` and `raw` stores over the same data: median times, answers checked equal. */
async function compareQueries(fast: Store, slow: Store, from = START + 12_345, bucketMs?: number) {
  const to = from + DAYS * 86_400_000;
  bucketMs ??= bucketMsFor(from, to, 1000);
  const time = async (s: Store, runs: number) => {
    const times: number[] = [];
    let buckets = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      buckets = (await s.query('plant.ph', from, to, bucketMs)).length;
      times.push(performance.now() - t0);
    }
    return { ms: median(times), buckets };
  };
  const f = await time(fast, QUERY_RUNS);
  const r = await time(slow, RAW_RUNS);
  const [a, b] = [await fast.query('plant.ph', from, to, bucketMs), await slow.query('plant.ph', from, to, bucketMs)];
  const same = a.length === b.length && a.every((x, i) => x.n === b[i].n && x.min === b[i].min && x.max === b[i].max);
  if (!same) throw new Error('rollup and raw answers differ');
  return { fast: f, slow: r, bucketMs };
}

async function influxSeries(emit: Emit) {
  const influx = await startInfluxd();
  try {
    const db = 'bench_series';
    const store = openInfluxStore({ url: influx.url, db });
    const labels = new Map([['plant.ph', { site: 'bench-site', device: 'bench-01', quantity: 'ph', unit: 'pH' }]]);
    const fillMs = await timeFill((rows) => store.write(rows, labels), READINGS, BULK_BATCH);
    emit({
      name: 'series.influx_ingest_bulk_with_rollups',
      value: Math.round(READINGS / (fillMs / 1000)),
      unit: 'readings/s',
      note: `${READINGS} readings in batches of ${BULK_BATCH} through InfluxStore.write (raw lines and their rollup points in one request)`,
    });
    const rawStore = openInfluxStore({ url: influx.url, db, queryFrom: 'raw' });
    const { fast, slow, bucketMs } = await compareQueries(store, rawStore);
    emit({
      name: 'series.influx_query_30d_1000_buckets',
      value: Number(fast.ms.toFixed(1)),
      unit: 'ms',
      ratio: Number((slow.ms / fast.ms).toFixed(1)),
      note: `InfluxDB 1.6.7, ${READINGS} readings, ${fast.buckets} buckets of ${bucketMs} ms, from not aligned (about 1,000 sub-minute edges: more than the store reads from raw points one statement each, so it answers with the raw GROUP BY); median of ${QUERY_RUNS}; ratio = raw GROUP BY on reading (${slow.ms.toFixed(0)} ms, median of ${RAW_RUNS}) / rollups; answers checked equal`,
    });
    emit({ name: 'series.influx_query_30d_1000_buckets_raw', value: Number(slow.ms.toFixed(1)), unit: 'ms' });
    // Minute-aligned `from` and a bucket of whole minutes: no sub-minute edges, rollups only.
    const aligned = await compareQueries(store, rawStore, START, 45 * 60_000);
    emit({
      name: 'series.influx_query_30d_aligned_buckets',
      value: Number(aligned.fast.ms.toFixed(1)),
      unit: 'ms',
      ratio: Number((aligned.slow.ms / aligned.fast.ms).toFixed(1)),
      note: `${aligned.fast.buckets} buckets of 45 min from a whole minute (no raw edges); ratio = raw GROUP BY (${aligned.slow.ms.toFixed(0)} ms) / rollups; answers checked equal`,
    });
    await rawStore.close();
    await store.close();
  } finally {
    await influx.stop();
  }
}

export const seriesBench: Bench = {
  name: 'series',
  async run(emit) {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-series-'));
    try {
      const file = join(dir, 'readings.db');
      const store = openSqliteStore(file);
      const fillMs = await timeFill((rows) => store.write(rows), READINGS, BULK_BATCH);
      const raw = rawOnly(join(dir, 'raw-only.db'));
      const rawFillMs = await timeFill(raw.write, READINGS, BULK_BATCH);
      raw.close();
      emit({
        name: 'series.ingest_bulk_with_rollups',
        value: Math.round(READINGS / (fillMs / 1000)),
        unit: 'readings/s',
        ratio: Number((fillMs / rawFillMs).toFixed(2)),
        note: `${READINGS} readings in batches of ${BULK_BATCH} through Store.write; ratio = time with rollups / raw-only upsert (${Math.round(READINGS / (rawFillMs / 1000))} readings/s)`,
      });

      // A dashboard asks for "the last 30 days" from an arbitrary instant: not minute-aligned.
      const from = START + 12_345;
      const to = from + DAYS * 86_400_000;
      const bucketMs = bucketMsFor(from, to, 1000);
      const rawStore = openSqliteStore(file, { queryFrom: 'raw' });
      const time = async (s: typeof store, runs: number) => {
        const times: number[] = [];
        let buckets = 0;
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          buckets = (await s.query('plant.ph', from, to, bucketMs)).length;
          times.push(performance.now() - t0);
        }
        return { ms: median(times), buckets };
      };
      const fast = await time(store, QUERY_RUNS);
      const slow = await time(rawStore, RAW_RUNS);
      const [a, b] = [
        await store.query('plant.ph', from, to, bucketMs),
        await rawStore.query('plant.ph', from, to, bucketMs),
      ];
      const same =
        a.length === b.length && a.every((x, i) => x.n === b[i].n && x.min === b[i].min && x.max === b[i].max);
      if (!same) throw new Error('rollup and raw answers differ');
      emit({
        name: 'series.query_30d_1000_buckets',
        value: Number(fast.ms.toFixed(1)),
        unit: 'ms',
        ratio: Number((slow.ms / fast.ms).toFixed(1)),
        note: `${READINGS} readings, ${fast.buckets} buckets of ${bucketMs} ms, from not aligned; median of ${QUERY_RUNS}; ratio = raw-table query (${slow.ms.toFixed(0)} ms, median of ${RAW_RUNS}) / rollups; answers checked equal`,
      });
      emit({ name: 'series.query_30d_1000_buckets_raw', value: Number(slow.ms.toFixed(1)), unit: 'ms' });
      await rawStore.close();
      await store.close();
      await ingestCost(dir, emit);
      await influxSeries(emit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
