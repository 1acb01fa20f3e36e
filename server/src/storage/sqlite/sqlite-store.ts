/**
 * @module storage/sqlite/sqlite-store
 * The embedded time-series store: one SQLite file (WAL), one row per (sensor, ts), plus
 * 1-minute and 1-hour rollups (rollups.ts) so a year-long chart reads thousands of rows,
 * not millions. Never stores part of a batch: every write (raw rows and the rollups they
 * touch) is one transaction, checked before it starts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Quality, type Reading, type SeriesBucket, TransientError } from '@vigia/shared';
import Database from 'better-sqlite3';
import { MINUTE_MS, planSegments } from '../segments.ts';
import { checkReadings, type Store } from '../store.ts';
import { ROLLUP_BACKFILL, ROLLUP_SCHEMA, rollupStatements } from './rollups.ts';

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

/** `PRAGMA user_version` of readings.db: 0 raw rows only, 1 with rollups. */
const SCHEMA_VERSION = 1;

/** Bring an older file up to SCHEMA_VERSION; a file written before rollups gets them built once. */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`readings.db is at schema version ${version}, newer than this server knows: upgrade vigia-server`);
  }
  db.transaction(() => {
    db.exec(SCHEMA);
    db.exec(ROLLUP_SCHEMA);
    if (version < 1) db.exec(ROLLUP_BACKFILL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

export type SqliteStoreOptions = {
  /**
   * Where `query` reads from: `rollups` (the default; raw rows only for sub-minute edges) or
   * `raw` (every row, as before rollups existed). Writes always keep the rollups, so `raw` is
   * safe on a live file; it exists for the benchmark and for tests that compare both paths.
   */
  queryFrom?: 'rollups' | 'raw';
};

/** Open (creating when missing) the readings database at `file`; `':memory:'` works too. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const useRollups = (options.queryFrom ?? 'rollups') === 'rollups';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const rollups = rollupStatements(db);

  // Upsert: the same (sensor, ts) again replaces value and quality, as InfluxDB does.
  const upsert = db.prepare(
    `INSERT INTO readings (sensor, ts, value, q) VALUES (@sensor, @ts, @value, @q)
     ON CONFLICT (sensor, ts) DO UPDATE SET value = excluded.value, q = excluded.q`,
  );
  const writeAll = db.transaction((rows: readonly Reading[]) => {
    const touched = new Map<string, number[]>();
    for (const r of rows) {
      upsert.run({ sensor: r.sensor, ts: r.ts, value: r.value, q: r.q });
      const stamps = touched.get(r.sensor);
      if (stamps) stamps.push(r.ts);
      else touched.set(r.sensor, [r.ts]);
    }
    // Recomputed, not incremented: a replaced value must take its old one out of min and max.
    rollups.refresh(touched);
  });
  // CAST keeps the bucket index whole even if a bound arrives as REAL.
  const bucketQuery = db.prepare(
    `SELECT CAST((ts - @from) / @bucketMs AS INTEGER) AS b, MIN(value) AS min, AVG(value) AS mean,
            MAX(value) AS max, COUNT(*) AS n
     FROM readings WHERE sensor = @sensor AND ts >= @from AND ts < @to
     GROUP BY b ORDER BY b`,
  );
  const rangeRows = db.prepare(
    'SELECT sensor, ts, value, q FROM readings WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts',
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
      if (useRollups && bucketMs >= MINUTE_MS) {
        // Only a bucket at least a minute wide can hold a whole rollup bucket.
        const sums = rollups.aggregate(sensor, planSegments(from, to, bucketMs));
        return [...sums.entries()]
          .sort(([a], [b]) => a - b)
          .map(([b, { min, max, sum, n }]) => ({ ts: from + b * bucketMs, min, mean: sum / n, max, n }));
      }
      const rows = bucketQuery.all({ sensor, from, to, bucketMs }) as (SeriesBucket & { b: number })[];
      return rows.map(({ b, min, mean, max, n }) => ({ ts: from + b * bucketMs, min, mean, max, n }));
    },
    async readings(sensor, from, to) {
      ensureOpen();
      return rangeRows.all(sensor, from, to) as Reading[];
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
