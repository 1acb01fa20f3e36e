/**
 * A compliance report of a year of one 1 Hz sensor (31.5 M readings) through the real app
 * (`GET /api/v1/reports/compliance`, a daily_mean rule, so every day's availability and mean are
 * computed): with the store's default (SQLite answers from its rollups) and with a 5 s hold,
 * which makes the report read every raw reading; and how `/health` and ingest answer meanwhile: a probe asks one of them every
 * PROBE_MS and the figure is the 99th percentile of their answer times (the bound is
 * 200 ms). SQLite at 1 Hz; InfluxDB at one reading every INFLUX_STEP_S s (its 1 Hz fill would
 * take the bench past its budget here; every day and hour still holds readings, so the report
 * reads the same days, fewer readings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@vigia/shared';
import { createApp } from '../../server/src/app.ts';
import { addDevice, addUser } from '../../server/src/cli/admin.ts';
import type { AppDeps } from '../../server/src/deps.ts';
import { createLiveHub } from '../../server/src/live/hub.ts';
import { openMeta } from '../../server/src/meta/meta.ts';
import { openInfluxStore } from '../../server/src/storage/influxdb/influxdb-store.ts';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.ts';
import type { Store } from '../../server/src/storage/store.ts';
import { startInfluxd } from '../services/influxd.ts';
import { type Bench, type Emit, percentile } from './figure.ts';

/** 2025-01-01T05:00:00Z: midnight in Bogotá. */
const START = Date.UTC(2025, 0, 1, 5);
const DAYS = Number(process.env.BENCH_REPORT_DAYS ?? 365);
const BATCH = 3600;
const INFLUX_STEP_S = Number(process.env.BENCH_REPORT_INFLUX_STEP_S ?? 10);
const PROBE_MS = 20;
const ORIGIN = 'http://localhost';
const noop = () => {};
const log = { error: noop, warn: noop, info: noop, debug: noop, child: () => log } as unknown as AppDeps['log'];

async function fill(store: Store, stepS: number) {
  const labels = new Map([
    ['plant.tss', { site: 'bench-site', device: 'bench-01', quantity: 'total_suspended_solids', unit: 'mg/L' }],
  ]);
  const total = Math.floor((DAYS * 86_400) / stepS);
  const t0 = performance.now();
  for (let i = 0; i < total; i += BATCH) {
    const rows: Reading[] = [];
    for (let k = i; k < Math.min(total, i + BATCH); k++) {
      const s = k * stepS;
      rows.push({ sensor: 'plant.tss', ts: START + s * 1000, value: 20 + 10 * Math.sin(s / 3600), q: 'good' });
    }
    await store.write(rows, labels);
  }
  return { total, ms: performance.now() - t0 };
}

/** Meta, users, a device, the sensor's metadata and a permit, then the report under probes. */
async function measure(store: Store, dir: string, stepS: number, prefix: string, emit: Emit) {
  const meta = openMeta(join(dir, 'meta.db'));
  const clock = { now: () => START + (DAYS + 1) * 86_400_000 };
  const app = createApp({ store, meta, live: createLiveHub(), clock, log, dashboardDir: join(dir, 'none') });
  try {
    const token = addDevice(meta, clock, { id: 'bench-01', site: 'bench-site' }).at(-1)!;
    await addUser(meta, clock, { name: 'officer', role: 'officer', sites: [], password: 'bench-password' });
    const ingest = (ts: number) =>
      app.request('/api/v1/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          device: 'bench-01',
          sensors: [
            { id: 'plant.tss', quantity: 'total_suspended_solids', unit: 'mg/L' },
            { id: 'plant.ph', quantity: 'ph', unit: 'pH' },
          ],
          readings: [{ sensor: 'plant.ph', ts, value: 7, q: 'good' }],
        }),
      });
    if ((await ingest(START - 1000)).status !== 200) throw new Error('bench ingest refused');
    const login = await app.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ user: 'officer', password: 'bench-password' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const rule = { id: 'tss', sensor: 'plant.tss', kind: 'max', max: 50, averaging: 'daily_mean', severity: 'breach' };
    // The same rule with a 5 s hold: the rollups are not exact for it, so the report reads every reading.
    const rawRule = { ...rule, expected_interval: '5s' };
    const put = await app.request('/api/v1/permits', {
      method: 'PUT',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({
        permits: [
          { id: 'bench', title: 'Bench', site: 'bench-site', rules: [rule] },
          { id: 'bench-raw', title: 'Bench raw', site: 'bench-site', rules: [rawRule] },
        ],
      }),
    });
    if (put.status !== 200) throw new Error(`bench permit refused: ${await put.text()}`);
    const filled = await fill(store, stepS);
    // The engine catches up with the filled readings (it did not see them: they went straight
    // to the store) before the reports are timed; on a server it evaluates them as they arrive.
    const caughtUp = performance.now();
    if ((await ingest(START + (DAYS + 1) * 86_400_000)).status !== 200) throw new Error('bench ingest refused');
    app.compliance.tick();
    await app.compliance.idle();
    console.error(`report bench: the engine caught up in ${Math.round(performance.now() - caughtUp)} ms`);

    // Probes: /health and a one-reading ingest by turns, every PROBE_MS, while the reports run.
    const times: number[] = [];
    let running = true;
    let n = 0;
    const probes = (async () => {
      while (running) {
        const t0 = performance.now();
        const res = n++ % 2 === 0 ? await app.request('/health') : await ingest(START + (DAYS + 1) * 86_400_000 + n);
        if (res.status !== 200) throw new Error(`probe answered ${res.status}`);
        // The probe's own wait (setTimeout) is not counted: only from asking to the answer.
        times.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
      }
    })();
    const report = async (permit: string, name: string, how: string) => {
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const heapTimer = setInterval(() => {
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }, 100);
      const t0 = performance.now();
      const res = await app.request(
        `/api/v1/reports/compliance?from=${START}&to=${START + DAYS * 86_400_000}&format=csv&permit=${permit}`,
        { headers: { cookie } },
      );
      const csv = await res.text();
      const ms = performance.now() - t0;
      clearInterval(heapTimer);
      if (res.status !== 200) throw new Error(`report answered ${res.status}: ${csv.slice(0, 300)}`);
      emit({
        name,
        value: Math.round(ms),
        unit: 'ms',
        note: `${filled.total} readings of one sensor over ${DAYS} days (one every ${stepS} s), daily_mean rule, CSV, ${how}; heap grew ${Math.round((heapPeak - heapBefore) / 1e6)} MB at most`,
      });
    };
    try {
      await report('bench', `${prefix}_ms`, 'store default (SQLite: rollups, InfluxDB: raw readings)');
      await report('bench-raw', `${prefix}_raw_ms`, 'a 5 s hold, so every raw reading is read');
    } finally {
      running = false;
      await probes;
    }
    const sorted = [...times].sort((a, b) => a - b);
    emit({
      name: `${prefix.replace(/year_1hz$|year$/, '')}health_p99_ms_during`,
      value: Number(percentile(sorted, 99).toFixed(1)),
      unit: 'ms',
      note: `${sorted.length} probes (/health and a one-reading ingest by turns, every ${PROBE_MS} ms) during both reports; max ${sorted.at(-1)?.toFixed(1)} ms`,
    });
  } finally {
    await app.compliance.stop();
    meta.close();
  }
}

export const reportBench: Bench = {
  name: 'report',
  async run(emit) {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-report-'));
    try {
      const store = openSqliteStore(join(dir, 'readings.db'));
      try {
        await measure(store, dir, 1, 'report.year_1hz', emit);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const influx = await startInfluxd();
    const idir = mkdtempSync(join(tmpdir(), 'vigia-bench-report-influx-'));
    try {
      const store = openInfluxStore({ url: influx.url, db: 'bench_report' });
      await store.connect();
      try {
        await measure(store, idir, INFLUX_STEP_S, 'report.influx_year', emit);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(idir, { recursive: true, force: true });
      await influx.stop();
    }
  },
};
