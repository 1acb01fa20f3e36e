/**
 * @module storage/influxdb/influxdb-store
 * Readings in InfluxDB 1.x (measurement `reading`, docs/design.md "Storage schema in InfluxDB"),
 * written as line protocol over HTTP, queried with InfluxQL. Invariants, and how they hold:
 * - (sensor, ts) is a reading's identity. influxd replaces a point of the same series and
 *   time, and a series is all its tags, so a sensor's tags are pinned: every write for a
 *   sensor reuses the series key of its first stored reading (found with `SHOW SERIES`
 *   when the store starts, remembered from then on); later label changes (a new unit in
 *   the sensor's metadata) do not start a second series. Queries select by `sensor` only.
 * - A stored reading is evidence (store.ts): a batch that is not a pure append (every ts newer
 *   than the sensor's newest, known without a read) is judged against the stored readings the
 *   pre-write query returns anyway (before-write.ts, revisions.ts); a conflict refuses it before anything is
 *   sent. influxd merges the fields of a rewritten point, so a correction to good over a
 *   reading stored as bad/uncertain is written with `q="good"`.
 * - Whole or nothing, honestly: every reading is checked before anything is sent, because
 *   1.x stores the lines it can parse and drops the rest. A batch goes in one request
 *   (split only above `maxRequestBytes`, 8 MiB: a full 50,000-reading batch fits). If a
 *   request fails, `write` rejects, and earlier chunks (or, on a shard error, part of one
 *   request) may be stored. The edge re-sends what was not acknowledged and re-sending is
 *   idempotent, so partial + re-send converges to the whole batch stored once.
 * - A down influxd is a TransientError (503 at the API; the edge retries); the database is
 *   created when missing, at the first use and again if it is dropped.
 * - Rollups `reading_1m`/`reading_1h` (rollups.ts) are written with each batch, in the same
 *   request as its raw lines, from one query made before it; writes are queued one at a
 *   time so each batch builds on the previous one. Queries of buckets >= 1 min read them.
 * This file is the write side and the series pins; the queries are in reads.ts.
 */
import { InputError, type Reading, ReadingConflictError, TransientError } from '@vigia/shared';
import { floorTo, HOUR_MS, MINUTE_MS } from '../segments.ts';
import { checkReadings, type SeriesLabels, type Store } from '../store.ts';
import { batchMarkGood, beforeWrite, SENSORS_PER_QUERY } from './before-write.ts';
import {
  type ConnectionStatus,
  DatabaseMissingError,
  type InfluxConnection,
  type InfluxHttp,
  influxHttp,
} from './influx-http.ts';
import { fieldString, MEASUREMENT, sensorIs, sensorOfKey, seriesKey } from './line-protocol.ts';
import { influxReads, wholeMs } from './reads.ts';
import { judgeBatch, parseRevisions, revisionLines, revisionsStatement } from './revisions.ts';
import {
  appendRollups,
  MINUTE_MEASUREMENT,
  type RollupPoints,
  rangeStatements,
  rollupTail,
  type Tail,
} from './rollups.ts';

export type InfluxStoreOptions = InfluxConnection & {
  /** A batch larger than this (line-protocol bytes) is sent in several requests. */
  maxRequestBytes?: number;
  /**
   * Where `query` reads from: `rollups` (the default; `reading_1m`/`reading_1h`, raw points
   * only for sub-minute bucket edges) or `raw` (one GROUP BY over `reading`). Writes always
   * keep the rollups; `raw` exists for the benchmark and the tests comparing both paths.
   */
  queryFrom?: 'rollups' | 'raw';
};

export type InfluxStore = Store & {
  readonly url: string;
  readonly db: string;
  /** Reach influxd and create the database if missing; rejects (TransientError) when it is down. */
  connect(): Promise<void>;
  status(): ConnectionStatus;
};

const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Open the store; nothing is sent until `connect()` or the first call. */
export function openInfluxStore(options: InfluxStoreOptions): InfluxStore {
  const http: InfluxHttp = influxHttp(options);
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  /** Sensor id → the series key every line for it starts with (its pinned tags). */
  const pins = new Map<string, { key: string; bytes: number }>();
  const useRollups = (options.queryFrom ?? 'rollups') === 'rollups';
  const reads = influxReads(http);
  let ready: Promise<void> | undefined;
  let closed = false;
  /**
   * Per sensor with stored readings: its newest ts and, once a write computed them, the
   * rollups of that reading's minute and hour; a batch newer than all of them needs no read
   * before it is written (rollups.ts `appendRollups`). The store is the only writer.
   */
  const tails = new Map<string, Tail>();
  /** Writes run one after another (see rollups.ts); this is the tail of that queue. */
  let writing: Promise<unknown> = Promise.resolve();

  const ensureOpen = () => {
    if (closed) throw new TransientError('store_closed', 'the readings store is closed (the server is shutting down)');
  };

  /** CREATE DATABASE (a no-op when it exists), then learn the series already stored. */
  async function prepare(): Promise<void> {
    await http.query(`CREATE DATABASE ${influxqlIdentifier(options.db)}`, { noDb: true });
    const [shown] = await http.query(`SHOW SERIES FROM ${MEASUREMENT}`);
    pins.clear();
    for (const [key] of shown?.series?.[0]?.values ?? []) {
      const sensor = sensorOfKey(String(key));
      // SHOW SERIES lists keys sorted; a sensor with several series (written by another
      // program) keeps the first, and its readings in the others still count in queries.
      if (sensor !== undefined && !pins.has(sensor)) pin(sensor, String(key));
    }
    if (pins.size > 0) await backfillRollups();
    tails.clear();
    for (const r of await reads.latestWhere('')) tails.set(r.sensor, { ts: r.ts });
  }

  /**
   * A database written before rollups existed (readings, no `reading_1m`) gets them built
   * once, a week of readings per request, before the store serves (like readings.db's migration).
   */
  async function backfillRollups(): Promise<void> {
    const [measurements] = await http.query('SHOW MEASUREMENTS');
    if ((measurements?.series?.[0]?.values ?? []).some(([m]) => m === MINUTE_MEASUREMENT)) return;
    const [bounds] = await http
      .query(`SELECT first(value) FROM ${MEASUREMENT}; SELECT last(value) FROM ${MEASUREMENT}`)
      .then((r) => [[r[0]?.series?.[0]?.values?.[0]?.[0], r[1]?.series?.[0]?.values?.[0]?.[0]]]);
    const [first, last] = bounds.map(Number);
    if (!Number.isFinite(first) || !Number.isFinite(last)) return;
    const WEEK = 7 * 86_400_000;
    for (let start = floorTo(first, HOUR_MS); start <= last; start += WEEK) {
      await http.query(rangeStatements(start, start + WEEK).join(';\n'));
    }
  }

  function ensureReady(): Promise<void> {
    ready ??= prepare().catch((err) => {
      ready = undefined;
      throw err;
    });
    return ready;
  }

  function pin(sensor: string, key: string) {
    const p = { key, bytes: Buffer.byteLength(key) };
    pins.set(sensor, p);
    return p;
  }

  /** After a stored batch: the newest ts per sensor, and the rollups of its minute and hour when computed. */
  function rememberTails(readings: readonly Reading[], rollups: { minutes: RollupPoints; hours: RollupPoints }) {
    for (const r of readings) {
      const tail = tails.get(r.sensor);
      if (!tail) tails.set(r.sensor, { ts: r.ts });
      else if (r.ts > tail.ts) tail.ts = r.ts;
    }
    for (const [sensor, tail] of tails) {
      const minutes = rollups.minutes.get(sensor);
      if (!minutes) continue;
      const m = floorTo(tail.ts, MINUTE_MS);
      const h = floorTo(tail.ts, HOUR_MS);
      const minute = minutes.get(m);
      const hour = rollups.hours.get(sensor)?.get(h);
      if (minute) tail.minute = [m, minute];
      else if (tail.minute?.[0] !== m) tail.minute = undefined;
      if (hour) tail.hour = [h, hour];
      else if (tail.hour?.[0] !== h) tail.hour = undefined;
    }
  }

  /**
   * Line protocol for the batch, cut into request bodies of at most `maxRequestBytes`. `lead`
   * lines (a correction's revisions) come first, so a revised value is never stored without the
   * revision that keeps what it replaced.
   */
  function bodies(
    lead: readonly string[],
    readings: readonly Reading[],
    labels: ReadonlyMap<string, SeriesLabels> | undefined,
    markGood: Set<Reading>,
    rollups: { minutes: RollupPoints; hours: RollupPoints },
  ): string[] {
    const out: string[] = [];
    let body = '';
    let bytes = 0;
    const add = (key: string, keyBytes: number, tail: string) => {
      const size = keyBytes + tail.length; // the tail is ASCII
      if (bytes > 0 && bytes + size > maxRequestBytes) {
        out.push(body);
        body = '';
        bytes = 0;
      }
      body += key + tail;
      bytes += size;
    };
    for (const line of lead) add(line, Buffer.byteLength(line), '');
    for (const r of readings) {
      const p = pins.get(r.sensor) ?? pin(r.sensor, seriesKey(r.sensor, labels?.get(r.sensor)));
      const q = r.q !== 'good' ? `,q=${fieldString(r.q)}` : markGood.size > 0 && markGood.has(r) ? ',q="good"' : '';
      add(p.key, p.bytes, ` value=${r.value}${q} ${r.ts}\n`);
    }
    // Rollup points after the raw lines, under the sensor's pinned tags (the measurement renamed).
    for (const [suffix, points] of [
      ['_1m', rollups.minutes],
      ['_1h', rollups.hours],
    ] as const) {
      for (const [sensor, perStart] of points) {
        const p = pins.get(sensor);
        if (!p) continue;
        const key = MEASUREMENT + suffix + p.key.slice(MEASUREMENT.length);
        for (const [start, sums] of perStart) add(key, p.bytes + suffix.length, rollupTail(start, sums));
      }
    }
    if (body) out.push(body);
    return out;
  }

  /** Run `op` once the database is ready; if it was dropped meanwhile, create it again and retry once. */
  async function withDatabase<T>(op: () => Promise<T>): Promise<T> {
    await ensureReady();
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof DatabaseMissingError)) throw err;
      ready = undefined; // series pins start over with the new database
      await ensureReady();
      return op();
    }
  }

  return {
    url: http.url,
    db: options.db,
    status: () => http.status(),
    async connect() {
      ensureOpen();
      await ensureReady();
    },
    async write(readings, labels, options = {}) {
      ensureOpen();
      checkReadings(readings);
      if (readings.length === 0) return { revisions: [] };
      // One batch at a time: each reads what the previous one wrote (its rollups build on it),
      // and is judged against it.
      const run = writing.then(() =>
        withDatabase(async () => {
          const appended = appendRollups(readings, tails);
          let markGood: Set<Reading>;
          let rollups: { minutes: RollupPoints; hours: RollupPoints };
          let revisions: ReturnType<typeof judgeBatch>['revisions'] = [];
          if (appended) {
            // Every ts newer than the sensor's newest and increasing: nothing to judge.
            markGood = batchMarkGood(readings);
            rollups = appended;
          } else {
            const before = await beforeWrite(http, readings);
            const judged = judgeBatch(readings, before.storedAt, options);
            if (judged.conflicts.length > 0) throw new ReadingConflictError(judged.conflicts);
            ({ markGood, rollups } = before);
            revisions = judged.revisions;
          }
          try {
            // Sequential: a failed request stops the rest, and the edge re-sends the whole batch.
            const all = bodies(revisionLines(revisions), readings, labels, markGood, rollups);
            for (const body of all) await http.write(body);
          } catch (err) {
            // Part may be stored: forget what is known of these sensors (the next write reads it).
            for (const r of readings) tails.set(r.sensor, { ts: Math.max(r.ts, tails.get(r.sensor)?.ts ?? r.ts) });
            throw err;
          }
          rememberTails(readings, rollups);
          return { revisions };
        }),
      );
      writing = run.catch(() => undefined);
      return run;
    },
    async revisions(sensor, from, to) {
      ensureOpen();
      wholeMs({ from, to });
      const [result] = await withDatabase(() => http.query(revisionsStatement(sensor, from, to)));
      return parseRevisions(result);
    },
    async query(sensor, from, to, bucketMs) {
      ensureOpen();
      wholeMs({ from, to, bucketMs });
      if (bucketMs <= 0) throw new InputError('query_invalid', 'bucketMs must be positive', 'bucketMs');
      // Only a bucket at least a minute wide can hold a whole rollup bucket.
      if (useRollups && bucketMs >= MINUTE_MS) {
        const buckets = await withDatabase(() => reads.rollupBuckets(sensor, from, to, bucketMs));
        if (buckets) return buckets;
      }
      return withDatabase(() => reads.rawBuckets(sensor, from, to, bucketMs));
    },
    async readings(sensor, from, to) {
      ensureOpen();
      wholeMs({ from, to });
      return withDatabase(() => reads.readings(sensor, from, to));
    },
    async readingColumns(sensor, from, to) {
      ensureOpen();
      wholeMs({ from, to });
      return withDatabase(() => reads.readingColumns(sensor, from, to));
    },
    async latest(sensors) {
      ensureOpen();
      if (sensors === undefined) return withDatabase(() => reads.latestWhere(''));
      const found = new Map<string, Reading>();
      for (let i = 0; i < sensors.length; i += SENSORS_PER_QUERY) {
        const where = ` WHERE ${sensors
          .slice(i, i + SENSORS_PER_QUERY)
          .map(sensorIs)
          .join(' OR ')}`;
        for (const r of await withDatabase(() => reads.latestWhere(where))) found.set(r.sensor, r);
      }
      return sensors.flatMap((s) => found.get(s) ?? []);
    },
    async close() {
      closed = true;
      http.stopped();
    },
  };
}

/** A database name as an InfluxQL identifier (double-quoted, escaped). */
function influxqlIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
