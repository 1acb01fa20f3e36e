/**
 * @module buffer
 * The edge's buffer: readings wait here (SQLite, WAL; in front of it a memory stage,
 * staging.ts) until the server acknowledges them.
 * Shape (docs/design.md C7): `append` → `take` a batch from the live or the backlog lane → settle it
 * with `ack` (delete), `release` (retry later: keep) or `quarantine` (move aside, counted).
 *
 * Invariants:
 * - *Safe* means acknowledged by the server or committed to disk, whichever comes first, and
 *   `append` resolves only once each of its readings is safe (a QoS 1 PUBACK waits for that).
 *   While the server link is up (the forwarder's last live request succeeded and none failed
 *   since: `setLink`), an append behind an empty commit queue is *staged* in memory instead of
 *   written, and the live lane sends it; if the server acknowledges it within `stageMs` (config
 *   `forward.stage_window`, default 3 s) it never touches the disk. A staged reading not
 *   acknowledged within `stageMs`, or any staged reading when a request fails, the stage is full
 *   (`maxStaged`), or the buffer is flushed or closed, goes through the group commit below
 *   (everything staged at once, in order), and staging stays off until the next live success:
 *   while the link is down or slow, every reading is committed exactly as without staging.
 *   So a kill -9 or a power cut loses only readings not yet safe: an MQTT reading whose PUBACK
 *   never went out (the node still holds it), or a Modbus/serial reading younger than `stageMs`
 *   that the server had not acknowledged (without staging that window is the commit window,
 *   `commitIntervalMs`). `stageMs` = 0: no staging, every reading is committed.
 * - A reading is deleted only by `ack` (the server acknowledged it) or by the size cap.
 * - Every reading the cap removes is counted in the `drops` table with its time range, in the
 *   same transaction that removes it. Drops are never silent; totals are in `stats()`. The cap
 *   never removes a batch that is out to the server (leased), so a reading is either dropped
 *   or delivered, never both: the dropped count is exact (but see `ack` after a power cut).
 * - A committed reading was committed with `synchronous=FULL` in WAL mode: it survives kill -9
 *   *and* a power cut. To spare an SD card, appends are grouped: one
 *   transaction per group; a group commits at once when the last commit was longer than
 *   `commitIntervalMs` ago, else when that interval has passed or `maxGroup` readings are
 *   waiting. So `append` may wait up to `commitIntervalMs` (default 250 ms: at most 4 fsyncs
 *   per second). Why not a full second: the embedded broker acknowledges a QoS 1 message only
 *   after its commit, and reads a node's next packets only once its previous publish is
 *   committed (broker/gated-connection.ts), so the window is also how late an MQTT value
 *   without its own time may be stamped.
 * - The live lane never waits behind the backlog. A reading is *live* for `liveWindowMs` after
 *   its commit (rows with an id above a moving boundary), then it belongs to the *backlog*. Each
 *   lane has at most one batch out at a time (its lease) and a lane never takes a reading the
 *   other holds, so the forwarder sends both at once and no reading is out twice. Readings found
 *   in the file at `open` (after a restart) are backlog.
 * - `ack`/`quarantine` are committed transactions: after they return, a kill -9 (the process
 *   dies, the OS does not) never brings those readings back. `quarantine` commits with
 *   `synchronous=FULL`, so it also survives a power cut. `ack` commits with
 *   `synchronous=NORMAL` (written to the WAL, not fsynced: one fsync fewer per request); it
 *   becomes power-cut durable at the next fsync of the WAL (the next group commit, at most
 *   `commitIntervalMs` later under load, or a checkpoint). So a power cut or OS crash may undo
 *   the acks of that last moment: those readings are pending again and are sent again, which
 *   the server absorbs (idempotent on (sensor, ts)). An undone ack never loses a reading; if
 *   the cap drops such a reading before it is resent, it is counted as dropped although it was
 *   delivered (after a power cut the dropped count may overstate, never understate).
 * - Identity is (sensor, ts): a second reading with the same identity is not stored (nor staged:
 *   staging checks the stage and the disk) and is reported as a duplicate in the `append` result
 *   (the server is idempotent on it too). So no two values for one (sensor, ts) are ever sent.
 * - Row ids never repeat (AUTOINCREMENT), so settling an old batch can never touch a newer reading.
 *   Staged readings have negative ids, so a batch is either all staged or all disk rows.
 * - A reading without a trusted time is *held* (`ts` NULL, with its boot and monotonic ms): it
 *   counts in `pending` (and `held`), the cap may drop it (counted), but `take` never returns it.
 *   Only `correct` gives it a time, in one transaction; what cannot be placed is quarantined.
 *   The file's layout is versioned (`user_version`, schema.ts) and migrated at `open`.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reading } from '@vigia/shared';
import Database from 'better-sqlite3';
import { migrate, prepare, type Statements } from './schema.ts';
import { createStaging, type Staged } from './staging.ts';
import type { AppendResult, BufferInput } from './types.ts';

export type BufferedReading = Reading & { id: number };
export type { AppendResult, BufferInput } from './types.ts';
export type CorrectResult = { corrected: number; conflicts: number; unplaceable: number };
export type Drop = { count: number; from_ts: number; to_ts: number; at: number };
export type BufferStats = {
  pending: number;
  /** Of `pending`: committed within the live window. */
  live: number;
  /** Of `pending`: older than the live window (or found at startup). */
  backlog: number;
  /** Of `pending`: held without a trusted time, not sendable until corrected. */
  held: number;
  dropped: number;
  quarantined: number;
  last_drop: Drop | null;
};
/** `live`: readings committed within the live window; `backlog`: everything older. */
export type Lane = 'live' | 'backlog';

export type BufferOptions = {
  path: string;
  maxBytes: number;
  commitIntervalMs?: number;
  maxGroup?: number;
  /** How long after its commit a reading stays in the live lane (default 10 s). */
  liveWindowMs?: number;
  /**
   * How long a reading may wait in memory for the server's acknowledgement before it is
   * committed (config `forward.stage_window`; default 0: no staging, every reading to disk).
   */
  stageMs?: number;
  /** Most readings staged in memory at once (default 5000); more spills staging to disk. */
  maxStaged?: number;
  onDropped?: (drop: Drop) => void;
  clock?: () => number;
};

export type ReadingBuffer = ReturnType<typeof createBuffer>;

type Waiting = {
  readings: readonly BufferInput[];
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  /** For a spill group: each reading's new row id (null: not inserted), filled by the commit. */
  rows?: (number | null)[];
};
/** Ids [lo, hi] of the batch a lane has out to the server. */
type Lease = { lo: number; hi: number };

/** Builds the buffer; opens nothing until `open()` (docs/design.md C3: create validates, start opens). */
export function createBuffer(options: BufferOptions) {
  const clock = options.clock ?? Date.now;
  const commitIntervalMs = options.commitIntervalMs ?? 250;
  const maxGroup = options.maxGroup ?? 1000;
  const liveWindowMs = options.liveWindowMs ?? 10_000;
  let db: Database.Database | undefined;
  let closed = false;
  let queue: Waiting[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastCommitAt = 0;
  let pending = 0;
  let committedTotal = 0;
  let droppedTotal = 0;
  let quarantinedTotal = 0;
  let lastDrop: Drop | null = null;
  const waiters = new Set<() => void>();
  let sql: Statements | undefined;
  const bootRefs = new Map<string, number>();
  // Live/backlog boundary: rows with id <= `boundary` are backlog. Each commit that inserted
  // rows is remembered with its highest id; once it is older than the live window, the
  // boundary moves up to it. In memory only: after a restart everything found is backlog.
  let boundary = 0;
  const commits: { at: number; lastId: number }[] = [];
  const leases: Record<Lane, Lease | null> = { live: null, backlog: null };
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const staging = createStaging({
    stageMs: options.stageMs ?? 0,
    maxStaged: options.maxStaged ?? 5000,
    clock,
    onDisk: (sensor, ts) => sql?.exists.get(sensor, ts) !== undefined,
    spill(entries) {
      const rows: (number | null)[] = [];
      queue.push({
        readings: entries as unknown as BufferInput[],
        rows,
        resolve: () => {
          for (const [i, e] of entries.entries()) if (!e.acked) staging.committed(e, rows[i] ?? null);
        },
        reject: (err) => {
          for (const e of entries) staging.failed(e, err);
        },
      });
      queued += entries.length;
      schedule();
    },
    wake: wakeAll,
  });
  const isStaged = (batch: readonly BufferedReading[]) => (batch[0]?.id ?? 0) < 0;

  function leaseParams() {
    return {
      l1: leases.live?.lo ?? 0,
      h1: leases.live?.hi ?? -1,
      l2: leases.backlog?.lo ?? 0,
      h2: leases.backlog?.hi ?? -1,
    };
  }

  function usedBytes(d: Database.Database): number {
    const pages = d.pragma('page_count', { simple: true }) as number;
    const free = d.pragma('freelist_count', { simple: true }) as number;
    const size = d.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /**
   * Drop the oldest readings not out to the server until the used size is under 90% of the
   * cap. Runs inside a transaction; the count is what SQLite really deleted.
   */
  function enforceCap(d: Database.Database, s: Statements): Drop | null {
    let total: Drop | null = null;
    for (let guard = 0; guard < 50 && pending > 0; guard++) {
      const used = usedBytes(d);
      if (used <= options.maxBytes) break;
      const share = Math.min(1, (used - options.maxBytes * 0.9) / used);
      const n = Math.max(1, Math.ceil(pending * share));
      const params = leaseParams();
      const o = s.oldest.get({ ...params, n, now: clock() }) as {
        n: number;
        from_ts: number;
        to_ts: number;
        last: number;
      };
      if (!o.n) break;
      const removed = s.deleteUpTo.run({ ...params, last: o.last }).changes;
      pending -= removed;
      total = total
        ? {
            count: total.count + removed,
            from_ts: Math.min(total.from_ts, o.from_ts),
            to_ts: Math.max(total.to_ts, o.to_ts),
            at: total.at,
          }
        : { count: removed, from_ts: o.from_ts, to_ts: o.to_ts, at: clock() };
    }
    if (total) s.recordDrop.run(total.count, total.from_ts, total.to_ts, total.at);
    return total;
  }

  /** Moves the live/backlog boundary past every commit older than the live window. */
  function currentBoundary(): number {
    const cutoff = clock() - liveWindowMs;
    while (commits.length > 0 && commits[0].at <= cutoff) boundary = commits.shift()?.lastId ?? boundary;
    return boundary;
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
    let lastId = 0;
    try {
      d.transaction(() => {
        for (const w of group) {
          let inserted = 0;
          for (const r of w.readings) {
            // A spilled reading the server acknowledged meanwhile is not written at all.
            if ((r as Partial<Staged>).acked) {
              w.rows?.push(null);
              continue;
            }
            const boot = r.boot === undefined ? null : bootRef(s, r.boot);
            const info = s.insert.run(r.sensor, r.ts, r.value, r.q, boot, r.mono ?? null);
            if (info.changes > 0) {
              inserted += info.changes;
              lastId = Number(info.lastInsertRowid);
            }
            w.rows?.push(info.changes > 0 ? lastId : null);
          }
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
    for (const r of results) committedTotal += r.inserted;
    if (lastId > 0) commits.push({ at: lastCommitAt, lastId });
    if (drop) {
      const theDrop = drop as Drop;
      droppedTotal += theDrop.count;
      lastDrop = theDrop;
      options.onDropped?.(theDrop);
    }
    for (const [i, w] of group.entries()) w.resolve(results[i]);
    if (pending > 0) wakeAll();
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

  function bootRef(s: Statements, boot: string): number {
    let ref = bootRefs.get(boot);
    if (ref === undefined) {
      ref = (s.bootRef.get(boot) as { id: number }).id;
      bootRefs.set(boot, ref);
    }
    return ref;
  }

  function requireOpen(): [Database.Database, Statements] {
    if (!db || !sql) throw new Error(closed ? 'buffer is closed' : 'buffer is not open yet');
    return [db, sql];
  }

  /** Clears the lease a settled batch was taken under. */
  function unlease(batch: readonly BufferedReading[]): void {
    const first = batch[0]?.id;
    for (const lane of ['live', 'backlog'] as const) if (leases[lane]?.lo === first) leases[lane] = null;
  }

  function waitForCommit(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  function liveCount(s: Statements): number {
    return (s.countAbove.get(currentBoundary()) as { n: number }).n;
  }

  return {
    /** Opens (creating it and its folder if needed) the SQLite file. Throws if it cannot. */
    open(): void {
      if (db) return;
      mkdirSync(dirname(options.path), { recursive: true });
      const d = new Database(options.path);
      // 1 KiB pages (new files only: an existing file keeps its size): at 100 readings/s a
      // group commit touches a few pages (table, index, sequence), each written whole to the
      // WAL, so smaller pages write fewer bytes per reading to the SD card (4 KiB → 2 KiB: ~35%
      // fewer; 2 KiB → 1 KiB: another ~21% with the server down); bulk intake and drain are no
      // slower (docs/decisions/2026-12-04-edge-sd-card-writes.md).
      d.pragma('page_size = 1024');
      d.pragma('journal_mode = WAL');
      d.pragma('synchronous = FULL');
      migrate(d);
      db = d;
      sql = prepare(d);
      pending = (d.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
      boundary = (d.prepare('SELECT coalesce(max(id), 0) AS n FROM readings').get() as { n: number }).n;
      quarantinedTotal = (d.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
      const drops = d.prepare('SELECT coalesce(sum(count), 0) AS n FROM drops').get() as { n: number };
      droppedTotal = drops.n;
      lastDrop =
        (d.prepare('SELECT count, from_ts, to_ts, at FROM drops ORDER BY id DESC LIMIT 1').get() as Drop) ?? null;
    },

    /** Resolves once the readings are safe: committed, or staged and acknowledged (see the header). */
    append(readings: readonly BufferInput[]): Promise<AppendResult> {
      if (!db) return Promise.reject(new Error(closed ? 'buffer is closed' : 'buffer is not open yet'));
      if (readings.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
      // Staged only behind an empty commit queue: a queued reading is never staged beside itself.
      if (queue.length === 0 && staging.accepts(readings)) return staging.add(readings);
      return new Promise((resolve, reject) => {
        queue.push({ readings, resolve, reject });
        queued += readings.length;
        schedule();
      });
    },

    /**
     * Without `lane`: the oldest `limit` committed readings, in order (no lease). With a lane:
     * the oldest `limit` of that lane not out to the server, leased to the lane until
     * `ack`/`quarantine`/`release` or the lane's next `take`. Does not remove them.
     */
    take(limit: number, lane?: Lane): BufferedReading[] {
      const [, s] = requireOpen();
      if (!lane) return s.take.all(limit) as BufferedReading[];
      if (lane === 'live' && staging.hasFresh()) {
        leases.live = null;
        return staging.take(limit) as unknown as BufferedReading[];
      }
      const b = currentBoundary();
      // A live batch still out when its rows age past the boundary stays the live lane's.
      const batch = (
        lane === 'live'
          ? s.takeLive.all(Math.max(b, leases.backlog?.hi ?? 0), limit)
          : s.takeBacklog.all(b, leases.live?.lo ?? 0, leases.live?.hi ?? -1, limit)
      ) as BufferedReading[];
      leases[lane] = batch.length ? { lo: batch[0].id, hi: batch[batch.length - 1].id } : null;
      return batch;
    },

    /**
     * The server acknowledged the batch: delete it. Returns how many rows were deleted.
     * Committed with `synchronous=NORMAL` (no fsync of its own; see the header).
     */
    ack(batch: readonly BufferedReading[]): number {
      const [d, s] = requireOpen();
      let ids: number[];
      if (isStaged(batch)) {
        // Staged readings are safe now; those already spilled and committed are deleted.
        ids = staging.ack(batch as unknown as Staged[]);
        if (ids.length === 0) return batch.length;
      } else ids = batch.map((r) => r.id);
      // Not a prepared statement: SQLite applies `PRAGMA synchronous` when it compiles it.
      d.exec('PRAGMA synchronous = NORMAL');
      let deleted: number;
      try {
        deleted = s.deleteIds.run(JSON.stringify(ids)).changes;
      } finally {
        d.exec('PRAGMA synchronous = FULL');
      }
      pending -= deleted;
      if (isStaged(batch)) return batch.length;
      unlease(batch);
      return deleted;
    },

    /**
     * The batch was not delivered (network, 5xx): keep it, and let the cap see it again. Staged
     * readings go back to staging (`setLink(false)` spills them to disk).
     */
    release(batch: readonly BufferedReading[]): void {
      if (isStaged(batch)) staging.release(batch as unknown as Staged[]);
      else unlease(batch);
    },

    /**
     * The forwarder's live lane got through (`true`: staging may take readings) or a request
     * failed (`false`: everything staged is committed to disk now, and new readings go to disk).
     */
    setLink(up: boolean): void {
      staging.setLink(up);
    },

    /** The server rejected the batch for good: move it to `quarantine`, counted, with the reason. */
    quarantine(batch: readonly BufferedReading[], reason: string): number {
      const [d, s] = requireOpen();
      const staged = isStaged(batch) ? (batch as unknown as Staged[]) : null;
      // Staged readings are written first (spilled ones by the pending group commit), then moved.
      if (staged?.some((e) => e.spilled && e.rowId === null && !e.settled)) commitNow();
      const unspilled = staged ? staging.remove(staged) : [];
      const moved = d.transaction(() => {
        const rowIds: number[] = [];
        for (const e of staged ?? []) if (e.spilled && e.rowId !== null) rowIds.push(e.rowId);
        for (const e of unspilled) {
          const info = s.insert.run(e.sensor, e.ts, e.value, e.q, null, null);
          if (info.changes > 0) {
            pending++;
            rowIds.push(Number(info.lastInsertRowid));
          }
        }
        const ids = JSON.stringify(staged ? rowIds : batch.map((r) => r.id));
        const n = s.quarantine.run(reason, clock(), ids).changes;
        pending -= s.deleteIds.run(ids).changes;
        return n;
      })();
      for (const e of unspilled) staging.settle(e);
      quarantinedTotal += moved;
      if (!staged) unlease(batch);
      return moved;
    },

    stats(): BufferStats {
      const live = sql && pending > 0 ? Math.min(pending, liveCount(sql)) : 0;
      const held = sql && pending > 0 ? (sql.countHeld.get() as { n: number }).n : 0;
      // Staged readings count as pending and live (in memory, on their way to the server).
      const staged = staging.size();
      return {
        pending: pending + staged,
        live: live + staged,
        backlog: Math.max(0, pending - live - held),
        held,
        dropped: droppedTotal,
        quarantined: quarantinedTotal,
        last_drop: lastDrop,
      };
    },

    /**
     * The time of `boot` is known: `anchor` = epoch − monotonic ms. Gives every held reading of a
     * boot with a known anchor its time (`mono + anchor`, quality `uncertain`), so the forwarder
     * sends it. A corrected time that collides with a stored (sensor, ts) is quarantined
     * (`clock_conflict`); held readings of other boots whose time can never be known (the agent
     * restarted after a reboot before any trusted time) are quarantined (`clock_unknown`):
     * counted and kept, never silently lost. One transaction.
     */
    correct(boot: string, anchor: number): CorrectResult {
      const [d, s] = requireOpen();
      const result = d.transaction(() => {
        const current = bootRef(s, boot);
        s.setAnchor.run(Math.round(anchor), current);
        let corrected = 0;
        // Rows whose corrected (sensor, ts) is already stored: they stay held, and go aside below.
        const clashing: number[] = [];
        for (const b of s.anchoredBoots.all() as { id: number; anchor: number }[]) {
          for (const r of s.heldOfBoot.all(b.id) as { id: number; mono: number }[]) {
            if (s.correctOne.run(r.mono + b.anchor, r.id).changes > 0) corrected++;
            else clashing.push(r.id);
          }
        }
        const moveAside = (ids: number[], reason: string) => {
          if (!ids.length) return 0;
          const json = JSON.stringify(ids);
          const n = s.quarantine.run(reason, clock(), json).changes;
          pending -= s.deleteIds.run(json).changes;
          quarantinedTotal += n;
          return n;
        };
        moveAside(clashing, 'clock_conflict: the corrected (sensor, ts) is already stored');
        const unplaceable = moveAside(
          (s.heldIdsExcept.all(JSON.stringify([current])) as { id: number }[]).map((r) => r.id),
          'clock_unknown: taken in an earlier boot before the time was known; its time cannot be recovered',
        );
        return { corrected, conflicts: clashing.length, unplaceable };
      })();
      if (result.corrected > 0) wakeAll();
      return result;
    },

    /** Milliseconds until the oldest live commit turns into backlog; null when nothing is live. */
    msUntilAging(): number | null {
      currentBoundary();
      return commits.length ? Math.max(0, commits[0].at + liveWindowMs - clock()) : null;
    },

    /** Resolves when committed readings are waiting (at once if some already are), or on abort. */
    waitForReadings(signal?: AbortSignal): Promise<void> {
      if (pending > 0 || staging.hasFresh()) return Promise.resolve();
      return waitForCommit(signal);
    },

    /**
     * Readings committed or staged by `append` since `open` (a counter: a lane compares two
     * readings of it). A spilled staged reading may count twice: it only makes the live lane go sooner.
     */
    committedTotal: (): number => committedTotal + staging.total(),

    /** Readings staged in memory now. */
    staged: (): number => staging.size(),

    /** When the oldest staged reading the live lane has not taken was staged (clock ms), or null. */
    stagedSince: (): number | null => staging.freshSince(),

    /** Resolves at the next commit that stored readings, or on abort (or close). */
    waitForCommit,

    /** Commit the waiting group now, everything staged with it (staging stays off until `setLink(true)`). */
    flush(): void {
      staging.spillAll();
      commitNow();
    },

    /** Commit what is waiting, then close the file. Appends after this are rejected. */
    close(): void {
      if (closed) return;
      staging.spillAll();
      commitNow();
      closed = true;
      wakeAll();
      db?.close();
      db = undefined;
      sql = undefined;
    },
  };
}
