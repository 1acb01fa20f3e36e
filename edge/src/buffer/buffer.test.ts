import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reading } from '@vigia/shared';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuffer, type Drop } from './buffer.ts';

const T0 = 1_800_000_000_000;
const readings = (n: number, from = 0, sensor = 'plant.ph'): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ sensor, ts: T0 + from + i, value: from + i, q: 'good' }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-buffer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('buffer (temp SQLite file)', () => {
  it('append resolves only once the readings are committed and visible to another connection', async () => {
    const path = join(dir, 'b.db');
    const buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 50 });
    buffer.open();
    await buffer.append(readings(1)); // first append after idle commits at once
    const other = new Database(path, { readonly: true });
    const count = () => (other.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
    expect(count()).toBe(1);
    const second = buffer.append(readings(3, 1));
    expect(count()).toBe(1); // grouped: not committed synchronously
    await second;
    expect(count()).toBe(4);
    other.close();
    buffer.close();
  });

  it('creates the folder of a buffer path that does not exist yet (first start on a new Pi)', async () => {
    const path = join(dir, 'data', 'edge', 'buffer.db');
    const buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    buffer.open();
    await buffer.append(readings(2));
    expect(buffer.take(10)).toHaveLength(2);
    buffer.close();
  });

  it('close commits the waiting group before closing the file', async () => {
    const path = join(dir, 'b.db');
    const buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 10_000 });
    buffer.open();
    await buffer.append(readings(1));
    const waiting = buffer.append(readings(2, 1));
    buffer.close();
    await expect(waiting).resolves.toEqual({ inserted: 2, duplicates: 0 });
    await expect(buffer.append(readings(1, 5))).rejects.toThrow(/closed/);
    const again = createBuffer({ path, maxBytes: 1e9 });
    again.open();
    expect(again.stats().pending).toBe(3);
    again.close();
  });

  it('groups appends arriving within the commit interval into one commit', async () => {
    const buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 200 });
    buffer.open();
    await buffer.append(readings(1));
    const order: number[] = [];
    const all = [1, 2, 3].map((i) => buffer.append(readings(1, i)).then(() => order.push(i)));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]); // still waiting for the group
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
    expect(buffer.stats().pending).toBe(4);
    buffer.close();
  });

  it('take returns the oldest first; ack deletes exactly the batch', async () => {
    const buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 1 });
    buffer.open();
    await buffer.append(readings(10));
    const batch = buffer.take(4);
    expect(batch.map((r) => r.value)).toEqual([0, 1, 2, 3]);
    await buffer.append(readings(2, 10));
    expect(buffer.ack(batch)).toBe(4);
    expect(buffer.take(100).map((r) => r.value)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(buffer.stats().pending).toBe(8);
    buffer.close();
  });

  it('keeps (sensor, ts) identity: a duplicate is not stored and is reported', async () => {
    const buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 1 });
    buffer.open();
    expect(await buffer.append(readings(3))).toEqual({ inserted: 3, duplicates: 0 });
    expect(await buffer.append([...readings(1, 2), ...readings(1, 2, 'other')])).toEqual({
      inserted: 1,
      duplicates: 1,
    });
    expect(buffer.stats().pending).toBe(4);
    buffer.close();
  });

  it('quarantine moves the batch aside and counts it, across reopen', async () => {
    const path = join(dir, 'b.db');
    let buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 1 });
    buffer.open();
    await buffer.append(readings(5));
    expect(buffer.quarantine(buffer.take(2), 'sensors[0].unit: bad unit')).toBe(2);
    expect(buffer.stats()).toMatchObject({ pending: 3, quarantined: 2 });
    buffer.close();
    buffer = createBuffer({ path, maxBytes: 1e9 });
    buffer.open();
    expect(buffer.stats()).toMatchObject({ pending: 3, quarantined: 2 });
    expect(buffer.take(10).map((r) => r.value)).toEqual([2, 3, 4]);
    buffer.close();
  });

  it('over the cap, drops the oldest readings and records count and time range', async () => {
    const drops: Drop[] = [];
    const buffer = createBuffer({
      path: join(dir, 'b.db'),
      maxBytes: 120_000,
      commitIntervalMs: 1,
      onDropped: (d) => drops.push(d),
    });
    buffer.open();
    for (let i = 0; i < 20; i++) await buffer.append(readings(500, i * 500));
    const stats = buffer.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(drops.reduce((n, d) => n + d.count, 0)).toBe(stats.dropped);
    expect(stats.pending + stats.dropped).toBe(10_000); // nothing vanished uncounted
    expect(drops[0].from_ts).toBe(T0); // the oldest went first
    const kept = buffer.take(20_000);
    expect(kept[0].ts).toBe(T0 + stats.dropped); // exactly the oldest were dropped
    expect(stats.last_drop?.to_ts).toBe(kept[0].ts - 1);
    buffer.close();
  });

  it('matches a simple in-memory model under random append/ack/quarantine (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('ack' as const), n: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('quarantine' as const), n: fc.integer({ min: 0, max: 20 }) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const buffer = createBuffer({ path: join(dir, `m${run++}.db`), maxBytes: 1e9, commitIntervalMs: 0 });
        buffer.open();
        let model: number[] = [];
        let quarantined = 0;
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            await buffer.append(readings(o.n, next));
            model.push(...Array.from({ length: o.n }, (_, i) => next + i));
            next += o.n;
          } else {
            const batch = buffer.take(o.n);
            expect(batch.map((r) => r.value)).toEqual(model.slice(0, o.n));
            if (o.kind === 'ack') buffer.ack(batch);
            else quarantined += buffer.quarantine(batch, 'x');
            model = model.slice(batch.length);
          }
        }
        expect(buffer.take(1000).map((r) => r.value)).toEqual(model);
        expect(buffer.stats()).toMatchObject({ pending: model.length, quarantined });
        buffer.close();
      }),
      { numRuns: 30 },
    );
  });

  it('after kill -9, no acknowledged reading reappears and no committed one is lost (child process)', async () => {
    const path = join(dir, 'k.db');
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testdata/kill-child.ts'), path], {
      cwd: join(here, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let committed = 0;
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        for (const m of out.matchAll(/acked (\d+)/g)) acked = Number(m[1]);
        for (const m of out.matchAll(/committed (\d+)/g)) committed = Number(m[1]);
        if (committed >= 500) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(acked).toBe(50);
    const buffer = createBuffer({ path, maxBytes: 1e9 });
    buffer.open();
    const left = buffer.take(1_000_000).map((r) => r.ts - T0);
    buffer.close();
    expect(left[0]).toBe(50); // the acked 0..49 did not come back
    expect(left.length).toBeGreaterThanOrEqual(committed - 50); // every committed one survived
    expect(left.slice(0, committed - 50)).toEqual(Array.from({ length: committed - 50 }, (_, i) => 50 + i));
  });

  it('lanes: a reading is live for the window after its commit, then backlog; lanes never share one', async () => {
    let now = T0;
    const buffer = createBuffer({
      path: join(dir, 'l.db'),
      maxBytes: 1e9,
      commitIntervalMs: 0,
      liveWindowMs: 10_000,
      clock: () => now,
    });
    buffer.open();
    await buffer.append(readings(5));
    expect(buffer.stats()).toMatchObject({ pending: 5, live: 5, backlog: 0 });
    expect(buffer.take(10, 'backlog')).toEqual([]);
    now += 10_001;
    expect(buffer.stats()).toMatchObject({ live: 0, backlog: 5 });
    await buffer.append(readings(3, 5));
    expect(buffer.msUntilAging()).toBe(10_000);
    const live = buffer.take(10, 'live');
    expect(live.map((r) => r.value)).toEqual([5, 6, 7]);
    // The live batch is still out when it ages into the backlog: the backlog lane skips it.
    now += 10_001;
    expect(buffer.take(10, 'backlog').map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    expect(buffer.take(10, 'live')).toEqual([]);
    buffer.release(live);
    expect(buffer.take(10, 'backlog').map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    buffer.close();
  });

  it('lanes: what is found in the file at open is backlog', async () => {
    const path = join(dir, 'l.db');
    let buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    buffer.open();
    await buffer.append(readings(4));
    buffer.close();
    buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    buffer.open();
    await buffer.append(readings(2, 4));
    expect(buffer.stats()).toMatchObject({ pending: 6, live: 2, backlog: 4 });
    expect(buffer.take(10, 'live').map((r) => r.value)).toEqual([4, 5]);
    expect(buffer.take(10, 'backlog').map((r) => r.value)).toEqual([0, 1, 2, 3]);
    buffer.close();
  });

  it('the cap never drops a batch that is out to the server, so the dropped count stays exact', async () => {
    const path = join(dir, 'c.db');
    const seed = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
    seed.open();
    await seed.append(readings(500));
    seed.close();
    const buffer = createBuffer({ path, maxBytes: 120_000, commitIntervalMs: 0 });
    buffer.open();
    const out = buffer.take(200, 'backlog'); // the oldest 200, in flight
    for (let i = 1; i < 20; i++) await buffer.append(readings(500, i * 500));
    const stats = buffer.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(buffer.ack(out)).toBe(200); // delivered, so not dropped
    expect(stats.pending + stats.dropped).toBe(10_000);
    const kept = buffer.take(20_000);
    expect(kept[0].ts).toBe(T0 + 200 + stats.dropped); // the oldest not out went first
    buffer.close();
  });
});
