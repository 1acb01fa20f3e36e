/**
 * The compliance engine on a real influxd finds the same breaches as on the SQLite store, for
 * a history replayed when the permit arrives and for a late batch (an edge's backlog) replayed
 * after it. InfluxDB replays read columns (`readingColumns`), SQLite skips quiet minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@vigia/shared';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type InfluxService, startInfluxd } from '../../../test/services/influxd.ts';
import { createLiveHub } from '../live/hub.ts';
import { openMeta } from '../meta/meta.ts';
import { openInfluxStore } from '../storage/influxdb/influxdb-store.ts';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { createComplianceEngine } from './engine.ts';

const T = Date.UTC(2026, 10, 2, 5, 0, 0);
const H = 3_600_000;
let influx: InfluxService;
let dir: string;
beforeAll(async () => {
  influx = await startInfluxd();
  dir = mkdtempSync(join(tmpdir(), 'vigia-influx-replay-'));
}, 60_000);
afterAll(async () => {
  await influx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** pH at 1 Hz: in range, with a 10-minute excursion at the 50th minute of every hour. */
const readings = (sensor: string, from: number, to: number): Reading[] => {
  const out: Reading[] = [];
  for (let ts = from; ts < to; ts += 1000) {
    const minute = Math.floor((ts - T) / 60_000) % 60;
    out.push({ sensor, ts, value: minute >= 50 ? 9.5 : 7 + Math.sin(ts / 60_000) * 0.5, q: 'good' });
  }
  return out;
};

async function breachesOn(store: Store, name: string) {
  const meta = openMeta(join(dir, `${name}-meta.db`));
  meta.addDevice('dev', 'site', 'token-hash', T);
  meta.claimSensors('dev', [{ id: 'ph', path: 'ph' }], T);
  const engine = createComplianceEngine({
    store,
    meta,
    live: createLiveHub(),
    clock: { now: () => T + 10 * H },
    log: pino({ level: 'silent' }),
  });
  // Three hours stored, then the permit: replayed from scratch.
  await store.write(readings('ph', T, T + 3 * H));
  const rule = { id: 'ph', sensor: 'ph', kind: 'range' as const, min: 6, max: 9, averaging: 'instant' };
  engine.putPermit(
    {
      id: 'p',
      title: 'p',
      site: 'site',
      rules: [{ ...rule, pending: '5m', clear: '1m', severity: 'breach' as const }],
    },
    'test',
    T,
  );
  await engine.idle();
  // Live readings two hours later, then the hours between arrive late (a backlog).
  const live = readings('ph', T + 5 * H, T + 5 * H + 600_000);
  await store.write(live);
  engine.accept(live);
  await engine.idle();
  const late = readings('ph', T + 3 * H, T + 5 * H);
  await store.write(late);
  engine.accept(late);
  await engine.idle();
  const found = meta
    .listBreaches({ from: 0, to: Number.MAX_SAFE_INTEGER, sites: [] })
    .map((b) => ({ start: b.start, end: b.end, peak: b.peak, closed_by: b.closed_by }));
  await engine.stop();
  meta.close();
  await store.close();
  return found;
}

it('InfluxDB and SQLite give the same breaches for a replayed history and a late backlog', async () => {
  const onSqlite = await breachesOn(openSqliteStore(join(dir, 'readings.db')), 'sqlite');
  const onInflux = await breachesOn(openInfluxStore({ url: influx.url, db: 'replay' }), 'influx');
  // 5 hours of data, an excursion in each: 5 breaches, each 10 minutes out of range.
  expect(onSqlite).toHaveLength(5);
  expect(onInflux).toEqual(onSqlite);
}, 120_000);
