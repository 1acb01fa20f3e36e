/**
 * @module storage/sqlite/column-reader
 * The bulk read of the compliance replay: one sensor's readings of [from, to) as columns, in the
 * store's thread or on a reader thread with its own connection (WAL lets readers run beside the
 * writer). Plain JavaScript so a worker thread loads it without the TypeScript loader.
 * Never writes; a reader thread says `{ ready: true }` once its connection is open, then answers
 * `{ id, sensor, from, to }` with `{ id, ts, value, next }` (arrays transferred, not copied) or
 * `{ id, error }`.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @param {import('better-sqlite3').Database} db */
export function columnReader(db) {
  // One plucked column per statement: no object or array per row, about half the cost of row
  // objects. ts goes relative to `from` so it crosses as a small integer.
  const goodTs = db
    .prepare("SELECT ts - ? FROM readings WHERE sensor = ? AND ts >= ? AND ts < ? AND q <> 'bad' ORDER BY ts")
    .pluck();
  const goodValues = db
    .prepare("SELECT value FROM readings WHERE sensor = ? AND ts >= ? AND ts < ? AND q <> 'bad' ORDER BY ts")
    .pluck();
  const nextTs = db.prepare('SELECT ts FROM readings WHERE sensor = ? AND ts >= ? ORDER BY ts LIMIT 1').pluck();
  // One read transaction, so both columns see the same rows.
  return db.transaction((/** @type {string} */ sensor, /** @type {number} */ from, /** @type {number} */ to) => {
    const rel = /** @type {number[]} */ (goodTs.all(from, sensor, from, to));
    const values = /** @type {number[]} */ (goodValues.all(sensor, from, to));
    const ts = new Float64Array(rel.length);
    for (let i = 0; i < rel.length; i++) ts[i] = from + rel[i];
    const next = /** @type {number | undefined} */ (nextTs.get(sensor, to));
    return { ts, value: Float64Array.from(values), next: next ?? null };
  });
}

if (!isMainThread && parentPort && workerData?.columnReaderFile) {
  const port = parentPort;
  const db = new Database(workerData.columnReaderFile, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const read = columnReader(db);
  port.postMessage({ ready: true });
  port.on('message', (/** @type {{ id: number, sensor: string, from: number, to: number }} */ m) => {
    try {
      const cols = read(m.sensor, m.from, m.to);
      port.postMessage({ id: m.id, ...cols }, [cols.ts.buffer, cols.value.buffer]);
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
