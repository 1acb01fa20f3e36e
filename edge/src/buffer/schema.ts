/**
 * @module buffer/schema
 * The buffer file's tables, their migrations (SQLite `user_version`) and prepared statements.
 * A migration runs in one transaction: a file is either at the old version or the new one.
 *
 * Version 1 (clock correction): `readings.ts` may be NULL: a reading taken while the clock was
 * not trusted is *held* with its boot (`boots` row) and monotonic ms until the time is known.
 * Rows with `ts IS NULL` are never taken for sending. UNIQUE (sensor, ts) lets NULLs repeat.
 * `quarantine` takes held rows too (reason `clock_unknown` / `clock_conflict`).
 *
 * Version 2 (SD card, issue 18): the identity index is (ts, sensor), no longer (sensor, ts). Same
 * uniqueness; but readings arrive in time order across sensors, so each group commit appends to
 * the index's last page instead of touching one page per sensor: with 100 sensors and the
 * server down, ~5× fewer bytes written per reading (docs/decisions/2026-12-04-edge-sd-card-writes.md).
 */
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 2;

const CURRENT = `
CREATE TABLE IF NOT EXISTS boots (
  id INTEGER PRIMARY KEY AUTOINCREMENT, boot TEXT NOT NULL UNIQUE, anchor INTEGER);
CREATE TABLE IF NOT EXISTS readings (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER,
  value REAL NOT NULL, q TEXT NOT NULL, boot INTEGER, mono INTEGER, UNIQUE (ts, sensor));
CREATE INDEX IF NOT EXISTS readings_held ON readings (boot) WHERE ts IS NULL;
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, ts INTEGER, value REAL NOT NULL,
  q TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, boot INTEGER, mono INTEGER);
CREATE TABLE IF NOT EXISTS drops (
  id INTEGER PRIMARY KEY AUTOINCREMENT, count INTEGER NOT NULL, from_ts INTEGER NOT NULL,
  to_ts INTEGER NOT NULL, at INTEGER NOT NULL);
`;

/** Version 0 → 1: `ts` becomes nullable (a table rebuild in SQLite), boot and mono are added. */
const V0_TO_V1 = `
CREATE TABLE boots (id INTEGER PRIMARY KEY AUTOINCREMENT, boot TEXT NOT NULL UNIQUE, anchor INTEGER);
CREATE TABLE readings_v1 (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER,
  value REAL NOT NULL, q TEXT NOT NULL, boot INTEGER, mono INTEGER, UNIQUE (sensor, ts));
INSERT INTO readings_v1 (id, sensor, ts, value, q) SELECT id, sensor, ts, value, q FROM readings;
DROP TABLE readings;
ALTER TABLE readings_v1 RENAME TO readings;
CREATE INDEX readings_held ON readings (boot) WHERE ts IS NULL;
CREATE TABLE quarantine_v1 (
  id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, ts INTEGER, value REAL NOT NULL,
  q TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, boot INTEGER, mono INTEGER);
INSERT INTO quarantine_v1 (id, sensor, ts, value, q, reason, at)
  SELECT id, sensor, ts, value, q, reason, at FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_v1 RENAME TO quarantine;
`;

/**
 * Version 1 → 2: the identity index becomes (ts, sensor) (a table rebuild). Row ids are kept,
 * and so is the AUTOINCREMENT high-water mark: ids never repeat.
 */
const V1_TO_V2 = `
CREATE TABLE readings_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER,
  value REAL NOT NULL, q TEXT NOT NULL, boot INTEGER, mono INTEGER, UNIQUE (ts, sensor));
INSERT INTO readings_v2 (id, sensor, ts, value, q, boot, mono) SELECT id, sensor, ts, value, q, boot, mono FROM readings;
DELETE FROM sqlite_sequence WHERE name = 'readings_v2';
INSERT INTO sqlite_sequence (name, seq) SELECT 'readings_v2', seq FROM sqlite_sequence WHERE name = 'readings';
DROP TABLE readings;
ALTER TABLE readings_v2 RENAME TO readings;
CREATE INDEX readings_held ON readings (boot) WHERE ts IS NULL;
`;

/** Brings the file to `SCHEMA_VERSION`. Throws on a file written by a newer agent. */
export function migrate(d: Database.Database): void {
  const version = d.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION)
    throw new Error(
      `buffer file is version ${version}, this agent knows ${SCHEMA_VERSION}: install the newer vigia-edge again`,
    );
  d.transaction(() => {
    const hasReadings = d.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'readings'").get();
    if (hasReadings && version === 0) d.exec(V0_TO_V1);
    if (hasReadings) d.exec(V1_TO_V2);
    d.exec(CURRENT); // a new file, or tables a version-0 file lacked (drops)
    d.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

// Rows outside both leases: `NOT BETWEEN 0 AND -1` is always true, so "no lease" is (0, -1).
const UNLEASED = 'id NOT BETWEEN @l1 AND @h1 AND id NOT BETWEEN @l2 AND @h2';
const COLS = 'id, sensor, ts, value, q';

export function prepare(d: Database.Database) {
  return {
    insert: d.prepare(
      'INSERT INTO readings (sensor, ts, value, q, boot, mono) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    exists: d.prepare('SELECT 1 FROM readings WHERE sensor = ? AND ts = ?'),
    take: d.prepare(`SELECT ${COLS} FROM readings WHERE ts IS NOT NULL ORDER BY id LIMIT ?`),
    takeLive: d.prepare(`SELECT ${COLS} FROM readings WHERE id > ? AND ts IS NOT NULL ORDER BY id LIMIT ?`),
    takeBacklog: d.prepare(
      `SELECT ${COLS} FROM readings WHERE id <= ? AND id NOT BETWEEN ? AND ? AND ts IS NOT NULL ORDER BY id LIMIT ?`,
    ),
    countAbove: d.prepare('SELECT count(*) AS n FROM readings WHERE id > ? AND ts IS NOT NULL'),
    countHeld: d.prepare('SELECT count(*) AS n FROM readings WHERE ts IS NULL'),
    deleteIds: d.prepare('DELETE FROM readings WHERE id IN (SELECT value FROM json_each(?))'),
    quarantine: d.prepare(
      'INSERT OR IGNORE INTO quarantine (id, sensor, ts, value, q, reason, at, boot, mono) SELECT id, sensor, ts, value, q, ?, ?, boot, mono FROM readings WHERE id IN (SELECT value FROM json_each(?))',
    ),
    // Held rows have no time: a drop of only held rows is dated by the drop itself (@now).
    oldest: d.prepare(
      `SELECT count(*) AS n, coalesce(min(ts), @now) AS from_ts, coalesce(max(ts), @now) AS to_ts, max(id) AS last FROM (SELECT id, ts FROM readings WHERE ${UNLEASED} ORDER BY id LIMIT @n)`,
    ),
    deleteUpTo: d.prepare(`DELETE FROM readings WHERE id <= @last AND ${UNLEASED}`),
    recordDrop: d.prepare('INSERT INTO drops (count, from_ts, to_ts, at) VALUES (?, ?, ?, ?)'),
    bootRef: d.prepare('INSERT INTO boots (boot) VALUES (?) ON CONFLICT (boot) DO UPDATE SET boot = boot RETURNING id'),
    setAnchor: d.prepare('UPDATE boots SET anchor = ? WHERE id = ?'),
    anchoredBoots: d.prepare(
      'SELECT DISTINCT b.id, b.anchor FROM boots b JOIN readings r ON r.boot = b.id AND r.ts IS NULL WHERE b.anchor IS NOT NULL',
    ),
    // One row at a time: a corrected time that collides with a stored (sensor, ts) stays held.
    heldOfBoot: d.prepare('SELECT id, mono FROM readings WHERE ts IS NULL AND boot = ? ORDER BY id'),
    correctOne: d.prepare("UPDATE OR IGNORE readings SET ts = ?, q = 'uncertain' WHERE id = ? AND ts IS NULL"),
    heldIdsExcept: d.prepare(
      'SELECT id FROM readings WHERE ts IS NULL AND (boot IS NULL OR boot NOT IN (SELECT value FROM json_each(?)))',
    ),
  };
}
export type Statements = ReturnType<typeof prepare>;
