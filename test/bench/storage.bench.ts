/**
 * Ingest through the `Store` interface, side by side on the same 200,000 readings in batches
 * of 5,000: the SQLite store, the InfluxDB store, and, on the same influxd, raw line protocol
 * posted with fetch (the ceiling; `ratio` = store / raw, the target is >= 0.8) and node-influx
 * `writePoints` (the client the InfluxDB store did not pick). Each mode runs ROUNDS times in
 * rotating order on a fresh database; the median is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInfluxStore, openSqliteStore, type SeriesLabels, type Store } from '@vigia/server';
import type { Reading } from '@vigia/shared';
import { type InfluxService, startInfluxd } from '../services/influxd.ts';
import type { Bench } from './figure.ts';

const TOTAL = Number(process.env.BENCH_STORAGE_READINGS ?? 200_000);
const BATCH = 5000;
const SENSORS = 50;
const ROUNDS = 3;
const T0 = 1_764_000_000_000;
/** The whole benchmark, influxd start and stop included, must end within this. */
const DEADLINE_MS = 300_000;
const LABELS: SeriesLabels = { site: 'bench-site', device: 'bench-01', quantity: 'temperature', unit: 'degC' };

const sensorId = (i: number) => `bench.s${String(i % SENSORS).padStart(2, '0')}`;
const readings: Reading[] = Array.from({ length: TOTAL }, (_, i) => ({
  sensor: sensorId(i),
  ts: T0 + Math.floor(i / SENSORS) * 1000, // 1 Hz per sensor
  value: 20 + Math.sin(i / 1000) * 5,
  q: i % 100 === 99 ? 'uncertain' : 'good',
}));
const labels = new Map(Array.from({ length: SENSORS }, (_, i) => [sensorId(i), LABELS]));
const batches = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => readings.slice(b * BATCH, (b + 1) * BATCH));

type Mode = 'raw' | 'store' | 'nodeInflux';

/** node-influx is a dependency of the server package, not of test/: load it from there. */
type NodeInflux = {
  InfluxDB: new (o: {
    host: string;
    port: number;
    database: string;
  }) => {
    writePoints(points: unknown[], o: { precision: string }): Promise<void>;
  };
};
const nodeInflux = createRequire(import.meta.url)('influx') as NodeInflux;

async function influxql(url: string, q: string): Promise<void> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`${q}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** Readings per second for one write of every batch into `db`, by `mode`. */
async function influxRun(influx: InfluxService, mode: Mode, db: string): Promise<number> {
  await influxql(influx.url, `CREATE DATABASE ${db}`);
  const prefixes = new Map(
    [...labels.keys()].map((s) => [
      s,
      `reading,device=${LABELS.device},quantity=${LABELS.quantity},sensor=${s},site=${LABELS.site},unit=${LABELS.unit}`,
    ]),
  );
  const store = openInfluxStore({ url: influx.url, db });
  const client = new nodeInflux.InfluxDB({ host: '127.0.0.1', port: influx.port, database: db });
  const writeUrl = `${influx.url}/write?db=${db}&precision=ms`;
  const start = performance.now();
  for (const batch of batches) {
    if (mode === 'store') await store.write(batch, labels);
    else if (mode === 'raw') {
      let body = '';
      for (const r of batch)
        body += `${prefixes.get(r.sensor)} value=${r.value}${r.q !== 'good' ? `,q="${r.q}"` : ''} ${r.ts}\n`;
      const res = await fetch(writeUrl, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      if (res.status !== 204) throw new Error(`raw write: ${res.status} ${await res.text()}`);
    } else {
      const points = batch.map((r) => ({
        measurement: 'reading',
        tags: { ...LABELS, sensor: r.sensor },
        fields: r.q === 'good' ? { value: r.value } : { value: r.value, q: r.q },
        timestamp: r.ts,
      }));
      await client.writePoints(points, { precision: 'ms' });
    }
  }
  const ms = performance.now() - start;
  await store.close();
  await influxql(influx.url, `DROP DATABASE ${db}`);
  return TOTAL / (ms / 1000);
}

async function sqliteRun(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-sqlite-'));
  const store: Store = openSqliteStore(join(dir, 'readings.db'));
  try {
    const start = performance.now();
    for (const batch of batches) await store.write(batch, labels);
    return TOTAL / ((performance.now() - start) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');

async function measure(emit: Parameters<Bench['run']>[0], started: (s: InfluxService) => void): Promise<void> {
  const sqlite: number[] = [];
  for (let i = 0; i < ROUNDS; i++) sqlite.push(await sqliteRun());
  const note = `${TOTAL} readings, ${SENSORS} sensors, batches of ${BATCH}, median of ${ROUNDS}`;
  emit({
    name: 'storage.sqlite_ingest',
    value: Math.round(median(sqlite)),
    unit: 'readings/s',
    note: `${note} (${runs(sqlite)})`,
  });

  const influx = await startInfluxd();
  started(influx);
  {
    const got: Record<Mode, number[]> = { raw: [], store: [], nodeInflux: [] };
    const modes: Mode[] = ['raw', 'store', 'nodeInflux'];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so no mode always runs on a busier (compacting) influxd.
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(round + k) % modes.length];
        got[mode].push(await influxRun(influx, mode, `bench_${mode}_${round}`));
      }
    }
    const raw = median(got.raw);
    emit({
      name: 'storage.influx_raw_line_protocol',
      value: Math.round(raw),
      unit: 'readings/s',
      note: `fetch POST /write, ${note} (${runs(got.raw)})`,
    });
    emit({
      name: 'storage.influx_store_ingest',
      value: Math.round(median(got.store)),
      unit: 'readings/s',
      ratio: Number((median(got.store) / raw).toFixed(2)),
      note: `InfluxStore.write, ratio = store / raw line protocol, target >= 0.8; ${note} (${runs(got.store)})`,
    });
    emit({
      name: 'storage.influx_node_influx_write_points',
      value: Math.round(median(got.nodeInflux)),
      unit: 'readings/s',
      ratio: Number((median(got.nodeInflux) / raw).toFixed(2)),
      note: `node-influx 5.12 writePoints, ratio = node-influx / raw; ${note} (${runs(got.nodeInflux)})`,
    });
  }
}

export const storageBench: Bench = {
  name: 'storage',
  run: async (emit) => {
    let timer: NodeJS.Timeout | undefined;
    let influx: InfluxService | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`storage bench took over ${DEADLINE_MS / 1000} s`)), DEADLINE_MS);
    });
    try {
      await Promise.race([measure(emit, (s) => (influx = s)), deadline]);
    } finally {
      clearTimeout(timer);
      await influx?.stop(); // also when the deadline passed mid-run: never leave influxd behind
    }
  },
};
