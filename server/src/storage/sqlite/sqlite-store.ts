/**
 * @module storage/sqlite/sqlite-store
 * The embedded time-series store: one SQLite file (WAL), one row per (sensor, ts), plus
 * 1-minute and 1-hour rollups (rollups.ts) so a year-long chart reads thousands of rows,
 * not millions. Never stores part of a batch: every write (raw rows and the rollups they
 * touch) is one transaction, checked before it starts. A stored reading is never replaced
 * silently: a conflicting one aborts the transaction, a correction keeps the old value in
 * `revisions` in the same transaction (store.ts). An append costs no extra read: the insert
 * itself finds a (sensor, ts) already there.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type Quality,
  type Reading,
  type ReadingConflict,
  ReadingConflictError,
  type SeriesBucket,
  TransientError,
} from '@vigia/shared';
import Database from 'better-sqlite3';
import { floorTo, MINUTE_MS, planSegments } from '../segments.ts';
import {
  checkReadings,
  conflictOf,
  judgeReading,
  type ReadingColumns,
  type Revision,
  revisionOf,
  type Store,
  type WriteOptions,
} from '../store.ts';
import { columnReader } from './column-reader.mjs';
import { ROLLUP_BACKFILL, ROLLUP_SCHEMA, rollupStatements } from './rollups.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS readings (
    sensor TEXT NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    q TEXT NOT NULL DEFAULT 'good',
    PRIMARY KEY (sensor, ts)
  ) WITHOUT ROWID;
  -- Only the rare bad readings: finds them in a range without scanning it (minuteSummaries).
  -- Harmless to a server that does not know it, so the schema version stays.
  CREATE INDEX IF NOT EXISTS readings_bad ON readings (sensor, ts) WHERE q = 'bad';
  -- The values corrections replaced (store.ts Revision); append-only. Harmless to an older
  -- server too (it ignores the table), so the schema version stays.
  CREATE TABLE IF NOT EXISTS revisions (
    id INTEGER PRIMARY KEY,
    sensor TEXT NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    q TEXT NOT NULL,
    new_value REAL NOT NULL,
    new_q TEXT NOT NULL,
    revised_at INTEGER NOT NULL,
    by TEXT NOT NULL,
    reason TEXT
  );
  CREATE INDEX IF NOT EXISTS revisions_sensor_ts ON revisions (sensor, ts);
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
  /**
   * Threads serving `readingColumns` (the compliance replay's bulk read), each with its own
   * connection; default min(2, cores), 0 reads in this thread. An in-memory file reads here.
   */
  readers?: number;
};

const DEFAULT_READERS = Math.min(2, availableParallelism());
/** Reads of at most this span are served in the store's thread. */
const LOCAL_READ_MS = 5 * MINUTE_MS;
const COLUMN_READER = new URL('./column-reader.mjs', import.meta.url);

type ReaderReply = { ready: true } | ({ id: number; error?: string } & ReadingColumns);

/**
 * Up to `size` reader threads, started on first use. Why threads: turning SQLite rows into JS
 * numbers costs about 0.3 µs a reading in better-sqlite3 and a 7-day backfill is millions of
 * them; a replay keeps several interval reads in flight, so both cores read. Threads start on
 * the first read and `local` serves reads until one is ready, so a small replay never waits
 * for a thread to start. A thread is ref'd only while it has work (an idle pool never keeps the
 * process alive); if one fails, its reads and all later ones are served by `local`, as is a read
 * a thread answered with an error.
 */
function readerPool(file: string, size: number, local: (sensor: string, from: number, to: number) => ReadingColumns) {
  type Pending = { resolve(c: ReadingColumns): void; reject(e: Error): void; args: [string, number, number] };
  const threads: { worker: Worker; pending: Map<number, Pending>; ready: boolean }[] = [];
  let seq = 0;
  let broken = size <= 0;

  function serveHere(p: Pending) {
    try {
      p.resolve(local(...p.args));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  function start() {
    const worker = new Worker(COLUMN_READER, { workerData: { columnReaderFile: file } });
    const t = { worker, pending: new Map<number, Pending>(), ready: false };
    worker.unref();
    const fail = () => {
      broken = true;
      const i = threads.indexOf(t);
      if (i >= 0) threads.splice(i, 1);
      for (const p of t.pending.values()) serveHere(p);
      t.pending.clear();
      void worker.terminate().catch(() => {});
    };
    worker.on('message', (m: ReaderReply) => {
      if ('ready' in m) {
        t.ready = true;
        return;
      }
      const p = t.pending.get(m.id);
      if (!p) return;
      t.pending.delete(m.id);
      if (t.pending.size === 0) worker.unref();
      if (m.error === undefined) p.resolve({ ts: m.ts, value: m.value, next: m.next });
      else serveHere(p); // e.g. SQLITE_BUSY past the timeout there: this connection may do better
    });
    worker.on('error', fail);
    worker.on('exit', () => {
      if (threads.includes(t)) fail();
    });
    threads.push(t);
    return t;
  }

  return {
    read(sensor: string, from: number, to: number): Promise<ReadingColumns> {
      // A short read (the replay reads single minutes between quiet ones) costs less than a
      // round trip to a thread.
      if (broken || to - from <= LOCAL_READ_MS) return Promise.resolve(local(sensor, from, to));
      try {
        while (threads.length < size) start();
      } catch {
        broken = true; // no threads here (e.g. a sandbox without them): read in this one
      }
      const thread = threads.reduce<(typeof threads)[number] | undefined>(
        (best, x) => (x.ready && (!best || x.pending.size < best.pending.size) ? x : best),
        undefined,
      );
      if (!thread) return Promise.resolve(local(sensor, from, to));
      const id = ++seq;
      return new Promise((resolve, reject) => {
        thread.pending.set(id, { resolve, reject, args: [sensor, from, to] });
        thread.worker.ref();
        thread.worker.postMessage({ id, sensor, from, to });
      });
    },
    async close() {
      const all = threads.splice(0);
      for (const t of all) {
        for (const p of t.pending.values()) p.reject(new Error('the readings store is closed'));
      }
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}

/** Open (creating when missing) the readings database at `file`; `':memory:'` works too. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const useRollups = (options.queryFrom ?? 'rollups') === 'rollups';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: the edge deletes a batch once we answer, so an acknowledged write must survive a
  // power cut too (NORMAL in WAL may roll the last commits back after one). One fsync a batch.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const rollups = rollupStatements(db);

  // A (sensor, ts) already there is left alone here and judged below (store.ts judgeReading).
  const insert = db.prepare('INSERT INTO readings (sensor, ts, value, q) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const storedAt = db.prepare('SELECT value, q FROM readings WHERE sensor = ? AND ts = ?');
  const replace = db.prepare('UPDATE readings SET value = ?, q = ? WHERE sensor = ? AND ts = ?');
  const keepRevision = db.prepare(
    `INSERT INTO revisions (sensor, ts, value, q, new_value, new_q, revised_at, by, reason)
     VALUES (@sensor, @ts, @value, @q, @new_value, @new_q, @revised_at, @by, @reason)`,
  );
  const revisionRows = db.prepare(
    `SELECT sensor, ts, value, q, new_value, new_q, revised_at, by, reason FROM revisions
     WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts, id`,
  );
  const writeAll = db.transaction((rows: readonly Reading[], options: WriteOptions): Revision[] => {
    const touched = new Map<string, number[]>();
    const touch = (r: Reading) => {
      const stamps = touched.get(r.sensor);
      if (stamps) stamps.push(r.ts);
      else touched.set(r.sensor, [r.ts]);
    };
    const conflicts: ReadingConflict[] = [];
    const revisions: Revision[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (insert.run(r.sensor, r.ts, r.value, r.q).changes === 1) {
        touch(r);
        continue;
      }
      const prior = storedAt.get(r.sensor, r.ts) as { value: number; q: Quality };
      const verdict = judgeReading(r, prior);
      if (verdict === 'conflict') conflicts.push(conflictOf(i, r, prior));
      else if (verdict === 'revise') {
        const revision = revisionOf(r, prior, options);
        keepRevision.run(revision);
        replace.run(r.value, r.q, r.sensor, r.ts);
        revisions.push(revision);
        touch(r);
      }
    }
    // Thrown inside the transaction: it rolls back, nothing of the batch stays.
    if (conflicts.length > 0) throw new ReadingConflictError(conflicts);
    // Recomputed, not incremented: a corrected value must take its old one out of min and max.
    rollups.refresh(touched);
    return revisions;
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
  const readColumns = columnReader(db);
  const readers = file === ':memory:' ? undefined : readerPool(file, options.readers ?? DEFAULT_READERS, readColumns);
  const minuteRows = db
    .prepare(
      'SELECT bucket_start, min, max FROM rollup_1m WHERE sensor = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start',
    )
    .raw();
  const badStamps = db.prepare("SELECT ts FROM readings WHERE sensor = ? AND q = 'bad' AND ts >= ? AND ts < ?").pluck();
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
    async write(readings, _labels, options = {}) {
      ensureOpen();
      checkReadings(readings);
      return { revisions: readings.length > 0 ? writeAll(readings, options) : [] };
    },
    async revisions(sensor, from, to) {
      ensureOpen();
      return revisionRows.all(sensor, from, to) as Revision[];
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
    async readingColumns(sensor, from, to) {
      ensureOpen();
      return readers ? readers.read(sensor, from, to) : readColumns(sensor, from, to);
    },
    async minuteSummaries(sensor, from, to) {
      ensureOpen();
      const rows = minuteRows.all(sensor, floorTo(from, MINUTE_MS), to) as [number, number, number][];
      const out = {
        start: new Float64Array(rows.length),
        min: new Float64Array(rows.length),
        max: new Float64Array(rows.length),
        bad: new Uint8Array(rows.length),
      };
      rows.forEach(([start, min, max], i) => {
        out.start[i] = start;
        out.min[i] = min;
        out.max[i] = max;
      });
      let i = 0;
      for (const ts of badStamps.all(sensor, floorTo(from, MINUTE_MS), to) as number[]) {
        const minute = floorTo(ts, MINUTE_MS);
        while (i < rows.length && out.start[i] < minute) i++;
        if (out.start[i] === minute) out.bad[i] = 1;
      }
      return out;
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
    status: () => (closed ? { state: 'stopped', detail: 'closed' } : { state: 'ok', detail: 'embedded store' }),
    async close() {
      if (closed) return;
      closed = true;
      await readers?.close();
      db.close();
    },
  };
}
