/**
 * The embedded store's series query over a long range: 30 days of one sensor at 1 Hz
 * (2.59 M readings) written through the `Store` interface, then the 1,000-bucket query the
 * dashboard asks for a month-long chart, from the rollups and from the raw rows (ratio).
 * Also what the rollups cost at ingest, against the same upsert into a raw-only table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@vigia/server';
import { bucketMsFor, type Reading } from '@vigia/shared';
import Database from 'better-sqlite3';
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
