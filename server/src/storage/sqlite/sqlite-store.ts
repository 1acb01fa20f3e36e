/**
 * @module storage/sqlite/sqlite-store
 * The embedded time-series store: one SQLite file (WAL), one row per (sensor, ts).
 * Never stores part of a batch: every write is one transaction, checked before it starts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Quality, type Reading, type SeriesBucket, TransientError } from '@vigia/shared';
import Database from 'better-sqlite3';
import { checkReadings, type Store } from '../store.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS readings (
    sensor TEXT NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    q TEXT NOT NULL DEFAULT 'good',
    PRIMARY KEY (sensor, ts)
  ) WITHOUT ROWID;
`;

type Row = { sensor: string; ts: number; value: number; q: Quality };

/** Open (creating when missing) the readings database at `file`; `':memory:'` works too. */
export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  // Upsert: the same (sensor, ts) again replaces value and quality, as InfluxDB does.
  const upsert = db.prepare(
    `INSERT INTO readings (sensor, ts, value, q) VALUES (@sensor, @ts, @value, @q)
     ON CONFLICT (sensor, ts) DO UPDATE SET value = excluded.value, q = excluded.q`,
  );
  const writeAll = db.transaction((rows: readonly Reading[]) => {
    for (const r of rows) upsert.run({ sensor: r.sensor, ts: r.ts, value: r.value, q: r.q });
  });
  // CAST keeps the bucket index whole even if a bound arrives as REAL.
  const bucketQuery = db.prepare(
    `SELECT CAST((ts - @from) / @bucketMs AS INTEGER) AS b, MIN(value) AS min, AVG(value) AS mean,
            MAX(value) AS max, COUNT(*) AS n
     FROM readings WHERE sensor = @sensor AND ts >= @from AND ts < @to
     GROUP BY b ORDER BY b`,
  );
  const latestOne = db.prepare('SELECT sensor, ts, value, q FROM readings WHERE sensor = ? ORDER BY ts DESC LIMIT 1');
  // Skip-scan over the primary key: one index seek per distinct sensor, not a full scan.
  const allSensors = db.prepare(
    `WITH RECURSIVE s(sensor) AS (
       SELECT MIN(sensor) FROM readings
       UNION ALL SELECT (SELECT MIN(sensor) FROM readings WHERE sensor > s.sensor) FROM s WHERE s.sensor IS NOT NULL)
     SELECT sensor FROM s WHERE sensor IS NOT NULL`,
  );

  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new TransientError('store_closed', 'the readings store is closed (the server is shutting down)');
  };

  return {
    async write(readings) {
      ensureOpen();
      checkReadings(readings);
      if (readings.length > 0) writeAll(readings);
    },
    async query(sensor, from, to, bucketMs) {
      ensureOpen();
      const rows = bucketQuery.all({ sensor, from, to, bucketMs }) as (SeriesBucket & { b: number })[];
      return rows.map(({ b, min, mean, max, n }) => ({ ts: from + b * bucketMs, min, mean, max, n }));
    },
    async latest(sensors) {
      ensureOpen();
      const ids = sensors ?? (allSensors.all() as { sensor: string }[]).map((r) => r.sensor);
      const out: Reading[] = [];
      for (const id of ids) {
        const row = latestOne.get(id) as Row | undefined;
        if (row) out.push({ sensor: row.sensor, ts: row.ts, value: row.value, q: row.q });
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
