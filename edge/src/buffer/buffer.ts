/**
 * @module buffer
 * The edge's disk buffer: readings wait here (SQLite, WAL) until the server acknowledges them.
 * Shape (STYLE.md C7): `append` → `take` oldest batch → settle it with `ack` (delete) or
 * `quarantine` (move aside, counted); a retry is simply not settling.
 *
 * Invariants:
 * - A reading is deleted only by `ack` (the server acknowledged it) or by the size cap.
 * - Every reading the cap removes is counted in the `drops` table with its time range, in the
 *   same transaction that removes it. Drops are never silent; totals are in `stats()`.
 * - `append` resolves only after its readings are committed with `synchronous=FULL` in WAL mode:
 *   they survive kill -9 *and* a power cut. To spare an SD card, appends are grouped: one
 *   transaction per group; a group commits at once when the last commit was longer than
 *   `commitIntervalMs` ago, else when that interval has passed or `maxGroup` readings are
 *   waiting. So `append` may wait up to `commitIntervalMs` (default 250 ms: at most 4 fsyncs
 *   per second). Why not a full second: the embedded broker acknowledges a QoS 1 message only
 *   after its commit, and aedes reads a client's next packets only once the previous ones are
 *   handled, so the window is also how late an MQTT value without its own time may be stamped.
 * - `ack`/`quarantine` are synchronous committed transactions: after they return, a kill -9
 *   never brings those readings back.
 * - Identity is (sensor, ts): a second reading with the same identity is not stored and is
 *   reported as a duplicate in the `append` result (the server is idempotent on it too).
 * - Row ids never repeat (AUTOINCREMENT), so settling an old batch can never touch a newer reading.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reading } from '@vigia/shared';
import Database from 'better-sqlite3';

export type BufferedReading = Reading & { id: number };
export type Drop = { count: number; from_ts: number; to_ts: number; at: number };
export type AppendResult = { inserted: number; duplicates: number };
export type BufferStats = { pending: number; dropped: number; quarantined: number; last_drop: Drop | null };

export type BufferOptions = {
  path: string;
  maxBytes: number;
  commitIntervalMs?: number;
  maxGroup?: number;
  onDropped?: (drop: Drop) => void;
  clock?: () => number;
};

export type ReadingBuffer = ReturnType<typeof createBuffer>;

type Waiting = { readings: readonly Reading[]; resolve: (r: AppendResult) => void; reject: (e: unknown) => void };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER NOT NULL,
  value REAL NOT NULL, q TEXT NOT NULL, UNIQUE (sensor, ts));
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
  q TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS drops (
  id INTEGER PRIMARY KEY AUTOINCREMENT, count INTEGER NOT NULL, from_ts INTEGER NOT NULL,
  to_ts INTEGER NOT NULL, at INTEGER NOT NULL);
`;

/** Builds the buffer; opens nothing until `open()` (STYLE.md C3: create validates, start opens). */
export function createBuffer(options: BufferOptions) {
  const clock = options.clock ?? Date.now;
  const commitIntervalMs = options.commitIntervalMs ?? 250;
  const maxGroup = options.maxGroup ?? 1000;
  let db: Database.Database | undefined;
  let closed = false;
  let queue: Waiting[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastCommitAt = 0;
  let pending = 0;
  let droppedTotal = 0;
  let quarantinedTotal = 0;
  let lastDrop: Drop | null = null;
  const waiters = new Set<() => void>();
  let sql: ReturnType<typeof prepare> | undefined;

  function prepare(d: Database.Database) {
    return {
      insert: d.prepare('INSERT INTO readings (sensor, ts, value, q) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      take: d.prepare('SELECT id, sensor, ts, value, q FROM readings ORDER BY id LIMIT ?'),
      deleteIds: d.prepare('DELETE FROM readings WHERE id IN (SELECT value FROM json_each(?))'),
      quarantine: d.prepare(
        'INSERT OR IGNORE INTO quarantine (id, sensor, ts, value, q, reason, at) SELECT id, sensor, ts, value, q, ?, ? FROM readings WHERE id IN (SELECT value FROM json_each(?))',
      ),
      oldest: d.prepare(
        'SELECT count(*) AS n, min(ts) AS from_ts, max(ts) AS to_ts, max(id) AS last FROM (SELECT id, ts FROM readings ORDER BY id LIMIT ?)',
      ),
      deleteUpTo: d.prepare('DELETE FROM readings WHERE id <= ?'),
      recordDrop: d.prepare('INSERT INTO drops (count, from_ts, to_ts, at) VALUES (?, ?, ?, ?)'),
    };
  }

  function usedBytes(d: Database.Database): number {
    const pages = d.pragma('page_count', { simple: true }) as number;
    const free = d.pragma('freelist_count', { simple: true }) as number;
    const size = d.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** Drop oldest readings until the used size is under 90% of the cap. Runs inside a transaction. */
  function enforceCap(d: Database.Database, s: NonNullable<typeof sql>): Drop | null {
    let total: Drop | null = null;
    for (let guard = 0; guard < 50 && pending > 0; guard++) {
      const used = usedBytes(d);
      if (used <= options.maxBytes) break;
      const share = Math.min(1, (used - options.maxBytes * 0.9) / used);
      const n = Math.max(1, Math.ceil(pending * share));
      const o = s.oldest.get(n) as { n: number; from_ts: number; to_ts: number; last: number };
      if (!o.n) break;
      s.deleteUpTo.run(o.last);
      pending -= o.n;
      total = total
        ? {
            count: total.count + o.n,
            from_ts: Math.min(total.from_ts, o.from_ts),
            to_ts: Math.max(total.to_ts, o.to_ts),
            at: total.at,
          }
        : { count: o.n, from_ts: o.from_ts, to_ts: o.to_ts, at: clock() };
    }
    if (total) s.recordDrop.run(total.count, total.from_ts, total.to_ts, total.at);
    return total;
  }

  function commitNow(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const group = queue;
    queue = [];
    queued = 0;
    if (group.length === 0) return;
    const d = db;
    const s = sql;
    if (!d || !s) {
      for (const w of group) w.reject(new Error('buffer is closed'));
      return;
    }
    const results: AppendResult[] = [];
    let drop: Drop | null = null;
    try {
      d.transaction(() => {
        for (const w of group) {
          let inserted = 0;
          for (const r of w.readings) inserted += s.insert.run(r.sensor, r.ts, r.value, r.q).changes;
          results.push({ inserted, duplicates: w.readings.length - inserted });
          pending += inserted;
        }
        drop = enforceCap(d, s);
      })();
    } catch (err) {
      // The transaction rolled back: recount what is really there, then fail every waiter.
      pending = (d.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
      for (const w of group) w.reject(err);
      return;
    }
    lastCommitAt = clock();
    if (drop) {
      const theDrop = drop as Drop;
      droppedTotal += theDrop.count;
      lastDrop = theDrop;
      options.onDropped?.(theDrop);
    }
    for (const [i, w] of group.entries()) w.resolve(results[i]);
    if (pending > 0) for (const wake of [...waiters]) wake();
  }

  function schedule(): void {
    if (queued >= maxGroup) {
      commitNow();
      return;
    }
    if (timer) return;
    const waitMs = Math.max(0, lastCommitAt + commitIntervalMs - clock());
    timer = setTimeout(commitNow, waitMs);
  }

  function requireOpen(): [Database.Database, NonNullable<typeof sql>] {
    if (!db || !sql) throw new Error(closed ? 'buffer is closed' : 'buffer is not open yet');
    return [db, sql];
  }

  return {
    /** Opens (creating it and its folder if needed) the SQLite file. Throws if it cannot. */
    open(): void {
      if (db) return;
      mkdirSync(dirname(options.path), { recursive: true });
      const d = new Database(options.path);
      d.pragma('journal_mode = WAL');
      d.pragma('synchronous = FULL');
      d.exec(SCHEMA);
      db = d;
      sql = prepare(d);
      pending = (d.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
      quarantinedTotal = (d.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
      const drops = d.prepare('SELECT coalesce(sum(count), 0) AS n FROM drops').get() as { n: number };
      droppedTotal = drops.n;
      lastDrop =
        (d.prepare('SELECT count, from_ts, to_ts, at FROM drops ORDER BY id DESC LIMIT 1').get() as Drop) ?? null;
    },

    /** Resolves once the readings are durably committed (see the header). */
    append(readings: readonly Reading[]): Promise<AppendResult> {
      if (!db) return Promise.reject(new Error(closed ? 'buffer is closed' : 'buffer is not open yet'));
      if (readings.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
      return new Promise((resolve, reject) => {
        queue.push({ readings, resolve, reject });
        queued += readings.length;
        schedule();
      });
    },

    /** The oldest `limit` committed readings, in order. Does not remove them. */
    take(limit: number): BufferedReading[] {
      const [, s] = requireOpen();
      return s.take.all(limit) as BufferedReading[];
    },

    /** The server acknowledged the batch: delete it. Returns how many rows were deleted. */
    ack(batch: readonly BufferedReading[]): number {
      const [, s] = requireOpen();
      const deleted = s.deleteIds.run(JSON.stringify(batch.map((r) => r.id))).changes;
      pending -= deleted;
      return deleted;
    },

    /** The server rejected the batch for good: move it to `quarantine`, counted, with the reason. */
    quarantine(batch: readonly BufferedReading[], reason: string): number {
      const [d, s] = requireOpen();
      const ids = JSON.stringify(batch.map((r) => r.id));
      const moved = d.transaction(() => {
        const n = s.quarantine.run(reason, clock(), ids).changes;
        pending -= s.deleteIds.run(ids).changes;
        return n;
      })();
      quarantinedTotal += moved;
      return moved;
    },

    stats(): BufferStats {
      return { pending, dropped: droppedTotal, quarantined: quarantinedTotal, last_drop: lastDrop };
    },

    /** Resolves when committed readings are waiting (at once if some already are), or on abort. */
    waitForReadings(signal?: AbortSignal): Promise<void> {
      if (pending > 0 || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    },

    /** Commit the waiting group now. */
    flush(): void {
      commitNow();
    },

    /** Commit what is waiting, then close the file. Appends after this are rejected. */
    close(): void {
      if (closed) return;
      commitNow();
      closed = true;
      for (const wake of [...waiters]) wake();
      db?.close();
      db = undefined;
      sql = undefined;
    },
  };
}
