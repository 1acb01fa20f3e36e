/**
 * @module buffer/staging
 * The buffer's memory staging area, in front of the disk (issue 18: spare the SD card while the
 * server link is up). A staged reading is *safe* (its `append` may resolve, its QoS 1 PUBACK go
 * out) once the server acknowledged it or the disk buffer committed it, whichever comes first.
 *
 * Invariants (buffer.ts states the rule for the whole buffer):
 * - Staging accepts readings only while it is *on*: the forwarder's last live request
 *   succeeded and no request failed since (`setLink`), `stageMs` > 0, and the stage holds fewer
 *   than `maxStaged` readings. Otherwise appends go to disk as before.
 * - A staged reading leaves staging exactly once: acknowledged (`ack`), or *spilled* to the
 *   disk's group commit. Everything staged is spilled at once, in staging order, and staging
 *   turns off until the next live success, when: a request fails (`setLink(false)`), the oldest
 *   staged reading waited `stageMs` unacknowledged (the link is slow), the stage is full, or the
 *   buffer is flushed or closed. So a reading is in memory only for at most `stageMs`.
 * - A spilled reading whose send the server then acknowledges: not yet committed → it is not
 *   written at all (`acked`); committed → its row is deleted like any acked row.
 * - Identity (sensor, ts): a staged reading is a duplicate if the same identity is staged or on
 *   disk (one indexed SELECT: a read, not a write). The buffer stages only while its group
 *   commit queue is empty, so a queued reading is never staged again beside it; a staged batch
 *   and a disk batch therefore never carry two values for one (sensor, ts).
 * - Staged ids are negative (−1, −2, …): they never collide with disk row ids (AUTOINCREMENT ≥ 1),
 *   so `ack`/`release`/`quarantine` know a staged batch by its first id. Only the live lane takes
 *   staged readings, one batch out at a time.
 */
import type { AppendResult, BufferInput } from './types.ts';

type Ticket = {
  left: number;
  result: AppendResult;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  done: boolean;
};

/** A staged reading; the object itself travels in the live batch (extra fields are not sent). */
export type Staged = {
  id: number;
  sensor: string;
  ts: number;
  value: number;
  q: BufferInput['q'];
  at: number;
  ticket: Ticket;
  /** Handed to the disk's group commit. */
  spilled: boolean;
  /** Acknowledged by the server: a spilled, not yet committed reading is then not written. */
  acked: boolean;
  /** Its disk row once the spill committed. */
  rowId: number | null;
  settled: boolean;
};

export type StagingOptions = {
  stageMs: number;
  maxStaged: number;
  clock: () => number;
  /** Whether (sensor, ts) is already a disk row. */
  onDisk: (sensor: string, ts: number) => boolean;
  /** Hands staged readings to the disk's group commit (the buffer calls `committed` after). */
  spill: (entries: Staged[]) => void;
  /** New staged readings the live lane may take (wakes it like a commit does). */
  wake: () => void;
};

const key = (sensor: string, ts: number) => `${sensor}\u0000${ts}`;

export function createStaging(options: StagingOptions) {
  const { stageMs, maxStaged, clock } = options;
  let linkUp = false;
  let nextId = -1;
  let total = 0;
  /** Staged, not spilled, not acked, by identity (insertion order = staging order). */
  const byKey = new Map<string, Staged>();
  /** Not yet taken by the live lane, oldest first. */
  let fresh: Staged[] = [];
  let timer: NodeJS.Timeout | undefined;

  function settle(e: Staged): void {
    if (e.settled) return;
    e.settled = true;
    const t = e.ticket;
    if (--t.left === 0 && !t.done) {
      t.done = true;
      t.resolve(t.result);
    }
  }

  function fail(e: Staged, err: unknown): void {
    if (e.settled) return;
    e.settled = true;
    if (!e.ticket.done) {
      e.ticket.done = true;
      e.ticket.reject(err);
    }
  }

  /** Everything staged to disk at once, in order; staging stays off until the next live success. */
  function spillAll(): void {
    linkUp = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (byKey.size === 0) return;
    const entries = [...byKey.values()];
    byKey.clear();
    fresh = [];
    for (const e of entries) e.spilled = true;
    options.spill(entries);
  }

  function arm(): void {
    if (timer || byKey.size === 0) return;
    const oldest = byKey.values().next().value as Staged;
    timer = setTimeout(
      () => {
        timer = undefined;
        const first = byKey.values().next().value;
        if (first && clock() - first.at >= stageMs) spillAll();
        else arm();
      },
      Math.max(0, oldest.at + stageMs - clock()),
    );
  }

  return {
    /** Whether `readings` may be staged now (all with a trusted time, room left, link up). */
    accepts(readings: readonly BufferInput[]): boolean {
      if (!linkUp || stageMs <= 0) return false;
      if (byKey.size + readings.length > maxStaged) {
        spillAll(); // full: the server is not keeping up, so the disk takes over
        return false;
      }
      for (const r of readings) if (r.ts === null) return false;
      return true;
    },

    /** Stages readings (`accepts` said yes); resolves when each is acknowledged or committed. */
    add(readings: readonly BufferInput[]): Promise<AppendResult> {
      return new Promise((resolve, reject) => {
        const ticket: Ticket = { left: 0, result: { inserted: 0, duplicates: 0 }, resolve, reject, done: false };
        const wasEmpty = fresh.length === 0;
        const at = clock();
        for (const r of readings) {
          const ts = r.ts as number;
          const k = key(r.sensor, ts);
          if (byKey.has(k) || options.onDisk(r.sensor, ts)) {
            ticket.result.duplicates++;
            continue;
          }
          const e: Staged = {
            id: nextId--,
            sensor: r.sensor,
            ts,
            value: r.value,
            q: r.q,
            at,
            ticket,
            spilled: false,
            acked: false,
            rowId: null,
            settled: false,
          };
          byKey.set(k, e);
          fresh.push(e);
          ticket.left++;
          ticket.result.inserted++;
        }
        total += ticket.result.inserted;
        if (ticket.left === 0) {
          ticket.done = true;
          resolve(ticket.result);
          return;
        }
        arm();
        if (wasEmpty || fresh.length % 1000 === 0) options.wake();
      });
    },

    /** The oldest `limit` staged readings not out yet, leased to the live lane. */
    take(limit: number): Staged[] {
      const batch = fresh.slice(0, limit);
      fresh = fresh.slice(batch.length);
      return batch;
    },

    /**
     * The server acknowledged a staged batch: each reading is safe. Returns the disk rows of
     * those already spilled and committed (the buffer deletes them like acked rows).
     */
    ack(batch: readonly Staged[]): number[] {
      const rows: number[] = [];
      for (const e of batch) {
        if (e.acked) continue;
        e.acked = true;
        if (!e.spilled) byKey.delete(key(e.sensor, e.ts));
        else if (e.rowId !== null) rows.push(e.rowId);
        settle(e);
      }
      return rows;
    },

    /** The batch was not delivered: its readings still staged go back to the front, in order. */
    release(batch: readonly Staged[]): void {
      const back = batch.filter((e) => !e.spilled && !e.acked);
      if (back.length) fresh = [...back, ...fresh];
    },

    /** Removes readings from staging without settling them (the buffer quarantines them). */
    remove(batch: readonly Staged[]): Staged[] {
      const out: Staged[] = [];
      for (const e of batch) {
        if (e.spilled || e.acked || !byKey.delete(key(e.sensor, e.ts))) continue;
        out.push(e);
      }
      const gone = new Set(out);
      fresh = fresh.filter((e) => !gone.has(e));
      return out;
    },

    /** The spill group that held `e` committed it as `rowId` (null: an equal row was there). */
    committed(e: Staged, rowId: number | null): void {
      e.rowId = rowId;
      settle(e);
    },
    /** The spill group that held `e` failed to commit. */
    failed: fail,
    /** A reading settled without the staging's knowledge (quarantined). */
    settle,

    /** The forwarder's live lane succeeded (up) or a request failed (down: spill everything). */
    setLink(up: boolean): void {
      if (up) linkUp = stageMs > 0;
      else spillAll();
    },
    spillAll,
    /** Readings staged now (not spilled, not acknowledged). */
    size: (): number => byKey.size,
    /** Readings staged since the start (a counter). */
    total: (): number => total,
    hasFresh: (): boolean => fresh.length > 0,
    /** When the oldest staged reading not out yet was staged (clock ms), or null. */
    freshSince: (): number | null => fresh[0]?.at ?? null,
  };
}
export type Staging = ReturnType<typeof createStaging>;
