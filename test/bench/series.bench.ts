/**
 * The embedded store's series query over a long range: 30 days of one sensor at 1 Hz
 * (2.59 M readings) written through the `Store` interface, then the 1,000-bucket query the
 * dashboard asks for a month-long chart, from the rollups and from the raw rows (ratio).
 * Also what the rollups cost at ingest, against the same upsert into a raw-only table.
 * Then the same 30 days and query on the InfluxDB store (a real influxd): rollup measurements
 * `reading_1m`/`reading_1h` against one GROUP BY over the raw `reading` points.
 * Then a year of one sensor in each store (the issue promises "any range from minutes to a
 * year"): the 1,000-bucket chart as `GET /api/v1/series` asks it (`seriesWindow`) and an
 * unaligned one, rollups vs raw. The whole bench must end within DEADLINE_MS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInfluxStore, openSqliteStore, type SeriesLabels, type Store } from '@vigia/server';
import { bucketMsFor, type Reading, type SeriesBucket, seriesWindow } from '@vigia/shared';
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
const YEAR_DAYS = 365;
/** Seconds between readings of the SQLite year: 1 Hz is 31.5 M readings, ~75 s to fill here. */
const YEAR_STEP_S = Number(process.env.BENCH_SERIES_YEAR_STEP_S ?? 1);
/**
 * The same for InfluxDB. At 1 Hz its fill (~220k readings/s here) and the raw GROUP BYs it is
 * compared with would take the bench past DEADLINE_MS. Every minute still holds readings, so a
 * query reads the same rollup rows as at 1 Hz; only the raw sub-minute edges and the raw path
 * read fewer points.
 */
const INFLUX_YEAR_STEP_S = Number(process.env.BENCH_SERIES_INFLUX_YEAR_STEP_S ?? 10);
/** The whole series bench, influxd start and stop included, must end within this. */
const DEADLINE_MS = 360_000;

/** Throws once the bench has run past DEADLINE_MS; called between batches and between queries. */
type Guard = () => void;
function deadlineGuard(ms: number): Guard {
  const end = performance.now() + ms;
  return () => {
    if (performance.now() > end) throw new Error(`series bench took over ${ms / 1000} s`);
  };
}

/** Reading `i`, one every `stepS` seconds from START (the waveform follows time, not `i`). */
const readingAt = (i: number, stepS: number): Reading => {
  const s = i * stepS;
  return { sensor: 'plant.ph', ts: START + s * 1000, value: 7 + Math.sin(s / 3600) + (s % 17) / 100, q: 'good' };
};

const batchOf = (first: number, size: number, stepS: number) =>
  Array.from({ length: size }, (_, k) => readingAt(first + k, stepS));

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

async function timeFill(
  write: (rows: Reading[]) => unknown,
  total: number,
  size: number,
  inTime: Guard,
  stepS = 1,
): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < total; i += size) {
    inTime();
    await write(batchOf(i, Math.min(size, total - i), stepS));
  }
  return performance.now() - t0;
}

async function ingestCost(dir: string, emit: Emit, inTime: Guard) {
  const small = async (withRollups: boolean) => {
    const file = join(dir, `small-${withRollups}.db`);
    if (withRollups) {
      const store = openSqliteStore(file);
      const ms = await timeFill((rows) => store.write(rows), SMALL_READINGS, SMALL_BATCH, inTime);
      await store.close();
      return ms;
    }
    const raw = rawOnly(file);
    const ms = await timeFill(raw.write, SMALL_READINGS, SMALL_BATCH, inTime);
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

type Window = { from: number; to: number; bucketMs: number };

/** `days` from an arbitrary instant (not minute-aligned), in 1,000 buckets of whole seconds. */
function unalignedWindow(days: number): Window {
  const from = START + 12_345;
  const to = from + days * 86_400_000;
  return { from, to, bucketMs: bucketMsFor(from, to, 1000) };
}

/**
 * One chart query on the `rollups` and `raw` stores over the same data: median times, and the
 * answers (of the last timed run) checked equal in n, min and max per bucket.
 */
async function compareQueries(fast: Store, slow: Store, w: Window, inTime: Guard, fastRuns = QUERY_RUNS) {
  const time = async (s: Store, runs: number) => {
    const times: number[] = [];
    let answer: SeriesBucket[] = [];
    for (let i = 0; i < runs; i++) {
      inTime();
      const t0 = performance.now();
      answer = await s.query('plant.ph', w.from, w.to, w.bucketMs);
      times.push(performance.now() - t0);
    }
    return { ms: median(times), answer };
  };
  const f = await time(fast, fastRuns);
  const r = await time(slow, RAW_RUNS);
  const [a, b] = [f.answer, r.answer];
  const same = a.length === b.length && a.every((x, i) => x.n === b[i].n && x.min === b[i].min && x.max === b[i].max);
  if (!same) throw new Error('rollup and raw answers differ');
  return { fast: { ms: f.ms, buckets: a.length }, slow: { ms: r.ms }, bucketMs: w.bucketMs };
}

/**
 * A year of one sensor, one reading every `stepS` s, already in `store`: the chart the series
 * route asks (`seriesWindow`: whole hours from the hour before `from`) and an unaligned one
 * (`bucketMsFor` from an arbitrary instant), each rollups vs raw. `prefix` names the figures.
 */
async function yearQueries(
  store: Store,
  rawStore: Store,
  emit: Emit,
  inTime: Guard,
  o: { prefix: string; scale: string; unalignedRuns?: number; unalignedNote?: string },
) {
  const asked = unalignedWindow(YEAR_DAYS);
  const routed = { ...asked, ...seriesWindow(asked.from, asked.to, 1000) };
  const aligned = await compareQueries(store, rawStore, routed, inTime);
  emit({
    name: `${o.prefix}_aligned_buckets`,
    value: Number(aligned.fast.ms.toFixed(1)),
    unit: 'ms',
    ratio: Number((aligned.slow.ms / aligned.fast.ms).toFixed(1)),
    note: `${o.scale}; ${aligned.fast.buckets} buckets of ${routed.bucketMs / 3_600_000} h from the whole hour before from (seriesWindow, what GET /api/v1/series asks); median of ${QUERY_RUNS}; ratio = raw (${aligned.slow.ms.toFixed(0)} ms, median of ${RAW_RUNS}) / rollups; answers checked equal`,
  });
  const runs = o.unalignedRuns ?? QUERY_RUNS;
  const { fast, slow, bucketMs } = await compareQueries(store, rawStore, asked, inTime, runs);
  emit({
    name: `${o.prefix}_1000_buckets`,
    value: Number(fast.ms.toFixed(1)),
    unit: 'ms',
    ratio: Number((slow.ms / fast.ms).toFixed(1)),
    note: `${o.scale}; ${fast.buckets} buckets of ${bucketMs} ms, from not aligned${o.unalignedNote ?? ''}; median of ${runs}; ratio = raw (${slow.ms.toFixed(0)} ms, median of ${RAW_RUNS}) / rollups; answers checked equal`,
  });
  emit({ name: `${o.prefix}_1000_buckets_raw`, value: Number(slow.ms.toFixed(1)), unit: 'ms' });
}

/** How many readings a year holds at one every `stepS` seconds. */
function yearReadings(stepS: number): number {
  if (!(stepS > 0)) throw new Error(`the year's step must be a number of seconds above 0, not ${stepS}`);
  return Math.ceil((YEAR_DAYS * 86_400) / stepS);
}

/** The scale of a year's figures, for their notes. */
function yearScale(total: number, stepS: number): string {
  const scale = `${total} readings, one every ${stepS} s for ${YEAR_DAYS} days`;
  if (stepS === 1) return scale;
  const same = stepS <= 60 ? '; every minute holds readings, so the rollup rows read are the same' : '';
  return `${scale} (1 Hz would be ${YEAR_DAYS * 86_400}${same})`;
}

/** A year in the SQLite store, in its own folder, deleted once measured (a 1 Hz month takes ~100 MB on disk). */
async function sqliteYear(dir: string, emit: Emit, inTime: Guard) {
  const yearDir = join(dir, 'year');
  const file = join(yearDir, 'readings.db');
  const total = yearReadings(YEAR_STEP_S);
  try {
    const store = openSqliteStore(file);
    const rawStore = openSqliteStore(file, { queryFrom: 'raw' });
    try {
      const fillMs = await timeFill((rows) => store.write(rows), total, BULK_BATCH, inTime, YEAR_STEP_S);
      const scale = yearScale(total, YEAR_STEP_S);
      emit({
        name: 'series.ingest_365d_bulk_with_rollups',
        value: Math.round(total / (fillMs / 1000)),
        unit: 'readings/s',
        note: `${scale}, batches of ${BULK_BATCH} through Store.write: filled in ${(fillMs / 1000).toFixed(1)} s`,
      });
      await yearQueries(store, rawStore, emit, inTime, { prefix: 'series.query_365d', scale });
    } finally {
      await rawStore.close();
      await store.close();
    }
  } finally {
    rmSync(yearDir, { recursive: true, force: true });
  }
}

/** A year in its own database on the bench's influxd. */
async function influxYear(url: string, labels: ReadonlyMap<string, SeriesLabels>, emit: Emit, inTime: Guard) {
  const db = 'bench_series_year';
  const total = yearReadings(INFLUX_YEAR_STEP_S);
  const store = openInfluxStore({ url, db });
  const rawStore = openInfluxStore({ url, db, queryFrom: 'raw' });
  try {
    const write = (rows: Reading[]) => store.write(rows, labels);
    const fillMs = await timeFill(write, total, BULK_BATCH, inTime, INFLUX_YEAR_STEP_S);
    const scale = `InfluxDB 1.6.7, ${yearScale(total, INFLUX_YEAR_STEP_S)}`;
    emit({
      name: 'series.influx_ingest_365d_bulk_with_rollups',
      value: Math.round(total / (fillMs / 1000)),
      unit: 'readings/s',
      note: `${scale}, batches of ${BULK_BATCH} through InfluxStore.write: filled in ${(fillMs / 1000).toFixed(1)} s`,
    });
    await yearQueries(store, rawStore, emit, inTime, {
      prefix: 'series.influx_query_365d',
      scale,
      // Over 64 sub-minute edges: the store answers with the raw GROUP BY, as slow as raw.
      unalignedRuns: RAW_RUNS,
      unalignedNote: ' (1,000 sub-minute edges: the store answers with the raw GROUP BY)',
    });
  } finally {
    await rawStore.close();
    await store.close();
  }
}

/** A month of one sensor at 1 Hz in the SQLite store: ingest vs a raw-only table, the unaligned chart query. */
async function sqliteMonth(dir: string, emit: Emit, inTime: Guard) {
  const file = join(dir, 'readings.db');
  const store = openSqliteStore(file);
  const fillMs = await timeFill((rows) => store.write(rows), READINGS, BULK_BATCH, inTime);
  const raw = rawOnly(join(dir, 'raw-only.db'));
  const rawFillMs = await timeFill(raw.write, READINGS, BULK_BATCH, inTime);
  raw.close();
  emit({
    name: 'series.ingest_bulk_with_rollups',
    value: Math.round(READINGS / (fillMs / 1000)),
    unit: 'readings/s',
    ratio: Number((fillMs / rawFillMs).toFixed(2)),
    note: `${READINGS} readings in batches of ${BULK_BATCH} through Store.write; ratio = time with rollups / raw-only upsert (${Math.round(READINGS / (rawFillMs / 1000))} readings/s)`,
  });
  // A dashboard asks for "the last 30 days" from an arbitrary instant: not minute-aligned.
  const rawStore = openSqliteStore(file, { queryFrom: 'raw' });
  const { fast, slow, bucketMs } = await compareQueries(store, rawStore, unalignedWindow(DAYS), inTime);
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
}

async function influxSeries(emit: Emit, inTime: Guard) {
  const influx = await startInfluxd();
  try {
    const db = 'bench_series';
    const store = openInfluxStore({ url: influx.url, db });
    const labels = new Map([['plant.ph', { site: 'bench-site', device: 'bench-01', quantity: 'ph', unit: 'pH' }]]);
    const fillMs = await timeFill((rows) => store.write(rows, labels), READINGS, BULK_BATCH, inTime);
    emit({
      name: 'series.influx_ingest_bulk_with_rollups',
      value: Math.round(READINGS / (fillMs / 1000)),
      unit: 'readings/s',
      note: `${READINGS} readings in batches of ${BULK_BATCH} through InfluxStore.write (raw lines and their rollup points in one request)`,
    });
    const rawStore = openInfluxStore({ url: influx.url, db, queryFrom: 'raw' });
    const { fast, slow, bucketMs } = await compareQueries(store, rawStore, unalignedWindow(DAYS), inTime);
    emit({
      name: 'series.influx_query_30d_1000_buckets',
      value: Number(fast.ms.toFixed(1)),
      unit: 'ms',
      ratio: Number((slow.ms / fast.ms).toFixed(1)),
      note: `InfluxDB 1.6.7, ${READINGS} readings, ${fast.buckets} buckets of ${bucketMs} ms, from not aligned (about 1,000 sub-minute edges: more than the store reads from raw points one statement each, so it answers with the raw GROUP BY); median of ${QUERY_RUNS}; ratio = raw GROUP BY on reading (${slow.ms.toFixed(0)} ms, median of ${RAW_RUNS}) / rollups; answers checked equal`,
    });
    emit({ name: 'series.influx_query_30d_1000_buckets_raw', value: Number(slow.ms.toFixed(1)), unit: 'ms' });
    // Minute-aligned `from` and a bucket of whole minutes: no sub-minute edges, rollups only.
    const monthAligned = { from: START, to: START + DAYS * 86_400_000, bucketMs: 45 * 60_000 };
    const aligned = await compareQueries(store, rawStore, monthAligned, inTime);
    emit({
      name: 'series.influx_query_30d_aligned_buckets',
      value: Number(aligned.fast.ms.toFixed(1)),
      unit: 'ms',
      ratio: Number((aligned.slow.ms / aligned.fast.ms).toFixed(1)),
      note: `${aligned.fast.buckets} buckets of 45 min from a whole minute (no raw edges); ratio = raw GROUP BY (${aligned.slow.ms.toFixed(0)} ms) / rollups; answers checked equal`,
    });
    await rawStore.close();
    await store.close();
    await influxYear(influx.url, labels, emit, inTime);
  } finally {
    await influx.stop(); // also when the deadline passed mid-run: never leave influxd behind
  }
}

export const seriesBench: Bench = {
  name: 'series',
  async run(emit) {
    const inTime = deadlineGuard(DEADLINE_MS);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-series-'));
    try {
      await sqliteMonth(dir, emit, inTime);
      await ingestCost(dir, emit, inTime);
      await sqliteYear(dir, emit, inTime);
      await influxSeries(emit, inTime);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
