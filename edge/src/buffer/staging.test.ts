import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@vigia/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuffer, type ReadingBuffer } from './buffer.ts';

const T0 = 1_800_000_000_000;
const readings = (n: number, from = 0, sensor = 'plant.ph'): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ sensor, ts: T0 + from + i, value: from + i, q: 'good' }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let path: string;
let buffer: ReadingBuffer;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-staging-'));
  path = join(dir, 'b.db');
});
afterEach(() => {
  buffer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What another connection sees on disk: rows in `readings` and in `quarantine`. */
function onDisk(): { rows: number; quarantined: number } {
  const other = new Database(path, { readonly: true });
  try {
    const n = (t: string) => (other.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { rows: n('readings'), quarantined: n('quarantine') };
  } finally {
    other.close();
  }
}
const walBytes = () => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await sleep(5);
  return done;
};

function open(stageMs: number, extra: { commitIntervalMs?: number; maxStaged?: number } = {}): ReadingBuffer {
  buffer = createBuffer({ path, maxBytes: 1e9, stageMs, commitIntervalMs: 0, ...extra });
  buffer.open();
  buffer.setLink(true);
  return buffer;
}

describe('buffer staging (memory in front of the disk, issue 18)', () => {
  it('ack before the stage window: append resolves on the ack and nothing is written to disk', async () => {
    open(10_000);
    const wal0 = walBytes();
    const appended = buffer.append(readings(3));
    expect(await settled(appended)).toBe(false); // not safe yet: neither acked nor committed
    expect(buffer.stats()).toMatchObject({ pending: 3, live: 3 });
    const batch = buffer.take(10, 'live');
    expect(batch.map((r) => r.id)).toEqual([-1, -2, -3]); // staged ids never collide with row ids
    expect(batch.map((r) => r.value)).toEqual([0, 1, 2]);
    buffer.ack(batch);
    await expect(appended).resolves.toEqual({ inserted: 3, duplicates: 0 });
    expect(walBytes()).toBe(wal0); // not one byte written for them
    expect(onDisk().rows).toBe(0);
    expect(buffer.stats()).toMatchObject({ pending: 0, live: 0 });
  });

  it('spill then ack: unacknowledged after the stage window it is committed; the late ack deletes the row', async () => {
    open(60);
    const appended = buffer.append(readings(3));
    const batch = buffer.take(10, 'live');
    await expect(appended).resolves.toEqual({ inserted: 3, duplicates: 0 }); // by the commit
    expect(onDisk().rows).toBe(3);
    expect(buffer.staged()).toBe(0);
    // Staging is off now (the link is slow): the next reading goes straight to disk.
    await buffer.append(readings(1, 3));
    expect(onDisk().rows).toBe(4);
    buffer.ack(batch);
    expect(onDisk().rows).toBe(1);
    expect(buffer.stats().pending).toBe(1);
    expect(buffer.take(10).map((r) => r.value)).toEqual([3]);
  });

  it('a failed send spills everything staged at once, and new readings go to disk until the next live success', async () => {
    open(60_000);
    const first = buffer.append(readings(2));
    const batch = buffer.take(10, 'live');
    const second = buffer.append(readings(2, 2)); // staged behind the batch out
    buffer.release(batch);
    buffer.setLink(false);
    await expect(first).resolves.toEqual({ inserted: 2, duplicates: 0 });
    await expect(second).resolves.toEqual({ inserted: 2, duplicates: 0 });
    expect(buffer.take(10).map((r) => r.value)).toEqual([0, 1, 2, 3]); // in staging order
    await buffer.append(readings(1, 4));
    expect(onDisk().rows).toBe(5);
    buffer.setLink(true);
    const staged = buffer.append(readings(1, 5));
    expect(buffer.staged()).toBe(1);
    buffer.ack(buffer.take(10, 'live'));
    await staged;
    expect(onDisk().rows).toBe(5);
  });

  it('acked while its spill waits for the group commit: never written', async () => {
    open(60_000, { commitIntervalMs: 10_000 });
    await buffer.append([{ sensor: 'plant.ph', ts: null, value: 0, q: 'good', boot: 'b', mono: 1 }]); // held: to disk
    const appended = buffer.append(readings(3));
    const batch = buffer.take(10, 'live');
    buffer.setLink(false); // spilled into the commit queue (the window has not passed)
    buffer.ack(batch);
    await expect(appended).resolves.toEqual({ inserted: 3, duplicates: 0 });
    buffer.flush();
    expect(onDisk().rows).toBe(1); // only the held reading
    expect(buffer.stats().pending).toBe(1);
  });

  it('duplicates: a (sensor, ts) staged or on disk is not staged again, so no two values go out for it', async () => {
    open(60_000);
    buffer.setLink(false);
    await buffer.append(readings(1)); // on disk: ts T0
    buffer.setLink(true);
    const a = buffer.append([...readings(2), { sensor: 'plant.ph', ts: T0 + 1, value: 99, q: 'good' }]);
    const b = buffer.append([{ sensor: 'plant.ph', ts: T0 + 1, value: 42, q: 'good' }]);
    await expect(b).resolves.toEqual({ inserted: 0, duplicates: 1 });
    const batch = buffer.take(10, 'live');
    expect(batch.map((r) => [r.ts, r.value])).toEqual([[T0 + 1, 1]]);
    buffer.ack(batch);
    await expect(a).resolves.toEqual({ inserted: 1, duplicates: 2 });
  });

  it('a full stage spills to disk; a held reading (no trusted time) is never staged', async () => {
    open(60_000, { maxStaged: 3 });
    const staged = buffer.append(readings(2));
    expect(buffer.staged()).toBe(2);
    await buffer.append(readings(2, 2)); // 4 > 3: everything to disk
    await staged;
    expect(onDisk().rows).toBe(4);
    buffer.setLink(true);
    await buffer.append([{ sensor: 'plant.ph', ts: null, value: 7, q: 'good', boot: 'b', mono: 5 }]);
    expect(buffer.staged()).toBe(0);
    expect(buffer.stats()).toMatchObject({ pending: 5, held: 1 });
  });

  it('a staged batch the server refuses for good is quarantined (written, counted), and its append resolves', async () => {
    open(60_000);
    const appended = buffer.append(readings(3));
    const batch = buffer.take(10, 'live');
    expect(buffer.quarantine([batch[1]], 'HTTP 422 bad')).toBe(1);
    buffer.release(batch.filter((r) => r !== batch[1]));
    const again = buffer.take(10, 'live');
    expect(again.map((r) => r.value)).toEqual([0, 2]);
    buffer.ack(again);
    await expect(appended).resolves.toEqual({ inserted: 3, duplicates: 0 });
    expect(onDisk()).toEqual({ rows: 0, quarantined: 1 });
    expect(buffer.stats()).toMatchObject({ pending: 0, quarantined: 1 });
  });

  it('stage window 0 (off): every reading is committed, as before', async () => {
    open(0);
    await buffer.append(readings(2));
    expect(onDisk().rows).toBe(2);
    expect(buffer.take(10, 'live').every((r) => r.id > 0)).toBe(true);
  });

  it('close spills what is staged: an append still waiting resolves, its readings on disk', async () => {
    open(60_000);
    const appended = buffer.append(readings(2));
    buffer.take(10, 'live'); // out to the server, no answer yet
    buffer.close();
    await expect(appended).resolves.toEqual({ inserted: 2, duplicates: 0 });
    expect(onDisk().rows).toBe(2);
  });
});
