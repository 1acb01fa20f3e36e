import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuffer } from './buffer.ts';
import { SCHEMA_VERSION } from './schema.ts';

const T0 = 1_800_000_000_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-held-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const held = (n: number, boot: string, mono0: number, sensor = 's') =>
  Array.from({ length: n }, (_, i) => ({
    sensor,
    ts: null,
    value: i,
    q: 'good' as const,
    boot,
    mono: mono0 + i * 1000,
  }));

describe('buffer: readings held without a trusted time (temp SQLite file)', () => {
  it('holds them, never hands them out, then corrects them (uncertain) and sends them', async () => {
    const b = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 0 });
    b.open();
    await b.append(held(3, 'boot-a', 5000));
    await b.append([{ sensor: 's', ts: T0, value: 9, q: 'good' }]);
    expect(b.stats()).toMatchObject({ pending: 4, held: 3 });
    expect(b.take(10).map((r) => r.value)).toEqual([9]);
    expect(b.take(10, 'live').map((r) => r.value)).toEqual([9]);
    const anchor = T0 - 1_000_000;
    expect(b.correct('boot-a', anchor)).toEqual({ corrected: 3, conflicts: 0, unplaceable: 0 });
    const all = b.take(10);
    expect(all.map((r) => [r.ts, r.q])).toEqual([
      [anchor + 5000, 'uncertain'],
      [anchor + 6000, 'uncertain'],
      [anchor + 7000, 'uncertain'],
      [T0, 'good'],
    ]);
    expect(b.stats().held).toBe(0);
    b.close();
  });

  it('keeps held readings across a restart in the same boot; quarantines those of a boot never placed', async () => {
    const path = join(dir, 'b.db');
    const b = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    b.open();
    await b.append(held(2, 'old-boot', 100));
    await b.append(held(2, 'boot-a', 100, 't'));
    b.close();
    const again = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    again.open();
    expect(again.stats()).toMatchObject({ pending: 4, held: 4 });
    const r = again.correct('boot-a', T0);
    expect(r).toEqual({ corrected: 2, conflicts: 0, unplaceable: 2 });
    expect(again.stats()).toMatchObject({ pending: 2, held: 0, quarantined: 2 });
    again.close();
  });

  it('a corrected time that collides with a stored (sensor, ts) is quarantined, not lost', async () => {
    const b = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 0 });
    b.open();
    await b.append([{ sensor: 's', ts: T0 + 5000, value: 1, q: 'good' }]);
    await b.append(held(2, 'boot-a', 5000));
    expect(b.correct('boot-a', T0)).toEqual({ corrected: 1, conflicts: 1, unplaceable: 0 });
    expect(b.stats()).toMatchObject({ pending: 2, quarantined: 1, held: 0 });
    b.close();
  });

  it('migrates a version-1 file to the (ts, sensor) identity index, keeping rows, ids and the id high-water mark', async () => {
    const path = join(dir, 'v1.db');
    const d = new Database(path);
    d.exec(`
      CREATE TABLE boots (id INTEGER PRIMARY KEY AUTOINCREMENT, boot TEXT NOT NULL UNIQUE, anchor INTEGER);
      CREATE TABLE readings (id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER,
        value REAL NOT NULL, q TEXT NOT NULL, boot INTEGER, mono INTEGER, UNIQUE (sensor, ts));
      CREATE INDEX readings_held ON readings (boot) WHERE ts IS NULL;
      CREATE TABLE quarantine (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, ts INTEGER, value REAL NOT NULL,
        q TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, boot INTEGER, mono INTEGER);
      CREATE TABLE drops (id INTEGER PRIMARY KEY AUTOINCREMENT, count INTEGER NOT NULL, from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL, at INTEGER NOT NULL);
      INSERT INTO readings (id, sensor, ts, value, q) VALUES (3, 's', ${T0}, 1, 'good'), (8, 's', ${T0 + 1}, 2, 'good');
      DELETE FROM readings WHERE id = 8; -- acknowledged: the next id must still be 9
      PRAGMA user_version = 1;`);
    d.close();
    const b = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    b.open();
    expect(b.take(10).map((r) => r.id)).toEqual([3]);
    expect(await b.append([{ sensor: 's', ts: T0, value: 9, q: 'good' }])).toEqual({ inserted: 0, duplicates: 1 });
    await b.append([{ sensor: 's', ts: T0 + 2, value: 3, q: 'good' }]);
    const ids = b.take(10).map((r) => r.id);
    expect(ids[0]).toBe(3);
    expect(ids[1]).toBeGreaterThan(8); // above the acknowledged id 8: ids never repeat
    b.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const sql = (check.prepare("SELECT sql FROM sqlite_master WHERE name = 'readings'").get() as { sql: string }).sql;
    expect(sql).toContain('UNIQUE (ts, sensor)');
    check.close();
  });

  it('migrates a version-0 file (ts NOT NULL) keeping every reading, id and quarantine row', async () => {
    const path = join(dir, 'v0.db');
    const d = new Database(path);
    d.exec(`
      CREATE TABLE readings (id INTEGER PRIMARY KEY AUTOINCREMENT, sensor TEXT NOT NULL, ts INTEGER NOT NULL,
        value REAL NOT NULL, q TEXT NOT NULL, UNIQUE (sensor, ts));
      CREATE TABLE quarantine (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
        q TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE drops (id INTEGER PRIMARY KEY AUTOINCREMENT, count INTEGER NOT NULL, from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL, at INTEGER NOT NULL);
      INSERT INTO readings (id, sensor, ts, value, q) VALUES (7, 's', ${T0}, 1, 'good'), (9, 's', ${T0 + 1}, 2, 'good');
      INSERT INTO quarantine VALUES (3, 's', ${T0 - 1}, 0, 'good', 'HTTP 422', ${T0});
      INSERT INTO drops (count, from_ts, to_ts, at) VALUES (5, 1, 2, 3);`);
    d.close();
    const b = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    b.open();
    expect(b.take(10).map((r) => r.id)).toEqual([7, 9]);
    expect(b.stats()).toMatchObject({ pending: 2, quarantined: 1, dropped: 5, held: 0 });
    await b.append(held(1, 'boot-a', 1));
    await b.append([{ sensor: 's', ts: T0 + 2, value: 3, q: 'good' }]);
    expect(b.take(10).map((r) => r.id)).toEqual([7, 9, 11]); // ids never repeat after the rebuild
    b.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });
});
