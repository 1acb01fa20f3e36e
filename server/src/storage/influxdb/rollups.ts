/**
 * @module storage/influxdb/rollups
 * Rollups of the InfluxDB store: measurements `reading_1m` and `reading_1h`, fields `min`,
 * `max`, `sum` (float) and `count` (integer), the same tags as the raw series they summarise
 * (the pinned series key), one point per bucket start, aligned to the epoch (UTC).
 *
 * Kept by the store itself, not by continuous queries: a CQ only looks at the last interval,
 * so an edge's 3-day backlog would never reach it. A batch that only appends (every reading
 * newer than the sensor's newest) builds on the remembered last minute and hour
 * (`appendRollups`) and reads nothing. Before any other batch the store reads, in the one
 * query it already makes for such a batch, the stored readings of the minutes the batch touches
 * and the stored minute rollups of the hours it touches; `batchRollups` recomputes those
 * minutes and hours with the batch applied, and their points go in the same request as the
 * raw lines. Recomputed, not incremented: a replaced reading (same sensor and ts) takes its
 * old value out of min and max. Writes run one at a time (a queue), so a batch always reads
 * what the previous one wrote. If a request fails, `write` rejects and the edge re-sends the
 * batch, which recomputes the same buckets from what is stored (idempotent). `rangeStatements`
 * (`SELECT … INTO`) builds the rollups of a database written before they existed.
 *
 * Queries split buckets with `planSegments` (`../segments.ts`, shared with SQLite) and
 * combine the pieces client-side, so the answer equals the raw one.
 */
import { addPiece, type BucketSums, floorTo, HOUR_MS, MINUTE_MS, type Segment } from '../segments.ts';
import { MEASUREMENT } from './line-protocol.ts';

export const MINUTE_MEASUREMENT = `${MEASUREMENT}_1m`;
export const HOUR_MEASUREMENT = `${MEASUREMENT}_1h`;

/** Touched buckets closer than this are refreshed by one statement over the gap (cheaper than another statement). */
const MERGE_GAP_MS = 30 * MINUTE_MS;

/** [start, end) ranges covering the `unit`-buckets of `stamps`, neighbours closer than `gap` merged. */
export function touchedRuns(stamps: Iterable<number>, unit: number, gap = MERGE_GAP_MS): [number, number][] {
  const starts = [...new Set([...stamps].map((t) => floorTo(t, unit)))].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const s of starts) {
    const last = runs[runs.length - 1];
    if (last && s - last[1] <= gap) last[1] = s + unit;
    else runs.push([s, s + unit]);
  }
  return runs;
}

/** Per sensor: minute (or hour) start → its (min, max, sum, n). */
export type RollupPoints = Map<string, Map<number, BucketSums>>;

/**
 * The minute and hour rollups a batch leaves behind, computed client-side before it is
 * written: `stored` holds the readings already stored in the touched minutes (sensor → ts →
 * value), `storedMinutes` the minute rollups already stored in the touched hours. Readings of
 * the batch replace stored ones at the same (sensor, ts), the later one in the batch winning.
 */
export function batchRollups(
  readings: readonly { sensor: string; ts: number; value: number }[],
  stored: ReadonlyMap<string, ReadonlyMap<number, number>>,
  storedMinutes: RollupPoints,
): { minutes: RollupPoints; hours: RollupPoints } {
  const after = new Map<string, Map<number, number>>();
  for (const r of readings) {
    let values = after.get(r.sensor);
    if (!values) {
      values = new Map();
      after.set(r.sensor, values);
    }
    values.set(r.ts, r.value);
  }
  const minutes: RollupPoints = new Map();
  const hours: RollupPoints = new Map();
  for (const [sensor, values] of after) {
    const touched = new Set([...values.keys()].map((ts) => floorTo(ts, MINUTE_MS)));
    for (const [ts, v] of stored.get(sensor) ?? []) {
      if (touched.has(floorTo(ts, MINUTE_MS)) && !values.has(ts)) values.set(ts, v);
    }
    const perMinute = new Map<number, BucketSums>();
    for (const [ts, v] of values) addPiece(perMinute, floorTo(ts, MINUTE_MS), { min: v, max: v, sum: v, n: 1 });
    minutes.set(sensor, perMinute);
    const perHour = new Map<number, BucketSums>();
    const hoursTouched = new Set([...perMinute.keys()].map((m) => floorTo(m, HOUR_MS)));
    for (const [m, p] of storedMinutes.get(sensor) ?? []) {
      if (hoursTouched.has(floorTo(m, HOUR_MS)) && !perMinute.has(m)) addPiece(perHour, floorTo(m, HOUR_MS), p);
    }
    for (const [m, p] of perMinute) addPiece(perHour, floorTo(m, HOUR_MS), p);
    hours.set(sensor, perHour);
  }
  return { minutes, hours };
}

/** What the store remembers of a sensor's newest stored data (see `appendRollups`). */
export type Tail = { ts: number; minute?: [number, BucketSums]; hour?: [number, BucketSums] };

/**
 * The rollups of a batch that only appends: every reading newer than the sensor's newest
 * stored one (`tails`; a sensor absent from it has nothing stored) and than the sensor's
 * readings before it in the batch. Nothing stored lies in the touched minutes and hours
 * except in the minute and hour of that newest reading, whose rollups the tail carries; so
 * no stored reading needs to be read. Undefined when some reading is not newer, or a tail's
 * rollups are not known: the caller reads them (`batchRollups`).
 *
 * One pass, one running minute and hour per sensor and no object per reading: every batch
 * of a live edge comes this way, and this is most of the store's own cost on top of influxd.
 */
export function appendRollups(
  readings: readonly { sensor: string; ts: number; value: number }[],
  tails: ReadonlyMap<string, Tail>,
): { minutes: RollupPoints; hours: RollupPoints } | undefined {
  type Run = { last: number; minute: number; m: BucketSums; hour: number; h: BucketSums };
  const minutes: RollupPoints = new Map();
  const hours: RollupPoints = new Map();
  const runs = new Map<string, Run>();
  const open = (perStart: Map<number, BucketSums>, start: number, v: number, carried?: [number, BucketSums]) => {
    const sums = { min: v, max: v, sum: v, n: 1 };
    if (carried?.[0] === start) merge(sums, carried[1]); // the stored part of the tail's minute or hour
    perStart.set(start, sums);
    return sums;
  };
  for (const r of readings) {
    const { sensor, ts, value: v } = r;
    let run = runs.get(sensor);
    if (run === undefined) {
      const tail = tails.get(sensor);
      if (tail && (ts <= tail.ts || !tail.minute || !tail.hour)) return undefined;
      const perMinute = new Map<number, BucketSums>();
      const perHour = new Map<number, BucketSums>();
      minutes.set(sensor, perMinute);
      hours.set(sensor, perHour);
      const minute = floorTo(ts, MINUTE_MS);
      const hour = floorTo(ts, HOUR_MS);
      run = {
        last: ts,
        minute,
        m: open(perMinute, minute, v, tail?.minute),
        hour,
        h: open(perHour, hour, v, tail?.hour),
      };
      runs.set(sensor, run);
      continue;
    }
    if (ts <= run.last) return undefined;
    run.last = ts;
    if (ts - run.minute < MINUTE_MS) add(run.m, v);
    else {
      run.minute = floorTo(ts, MINUTE_MS);
      run.m = open(minutes.get(sensor) as Map<number, BucketSums>, run.minute, v);
    }
    if (ts - run.hour < HOUR_MS) add(run.h, v);
    else {
      run.hour = floorTo(ts, HOUR_MS);
      run.h = open(hours.get(sensor) as Map<number, BucketSums>, run.hour, v);
    }
  }
  return { minutes, hours };
}

const add = (acc: BucketSums, v: number) => {
  if (v < acc.min) acc.min = v;
  if (v > acc.max) acc.max = v;
  acc.sum += v;
  acc.n += 1;
};

const merge = (acc: BucketSums, p: BucketSums) => {
  if (p.min < acc.min) acc.min = p.min;
  if (p.max > acc.max) acc.max = p.max;
  acc.sum += p.sum;
  acc.n += p.n;
};

/** A rollup point's fields and time in line protocol (after the series key). */
export const rollupTail = (start: number, p: BucketSums) =>
  ` min=${p.min},max=${p.max},sum=${p.sum},count=${p.n}i ${start}\n`;

/** Rollups for every reading in [start, end) (hour-aligned bounds): minutes, then hours. */
export function rangeStatements(start: number, end: number, sensorFilter = ''): string[] {
  return [minuteStatement(start, end, sensorFilter), hourStatement(start, end, sensorFilter)];
}

const where = (start: number, end: number, sensorFilter: string) =>
  `WHERE ${sensorFilter ? `(${sensorFilter}) AND ` : ''}time >= ${start}ms AND time < ${end}ms`;

const minuteStatement = (start: number, end: number, sensorFilter: string) =>
  `SELECT min(value) AS "min", max(value) AS "max", sum(value) AS "sum", count(value) AS "count" ` +
  `INTO ${MINUTE_MEASUREMENT} FROM ${MEASUREMENT} ${where(start, end, sensorFilter)} GROUP BY time(1m), * fill(none)`;

const hourStatement = (start: number, end: number, sensorFilter: string) =>
  `SELECT min("min") AS "min", max("max") AS "max", sum("sum") AS "sum", sum("count") AS "count" ` +
  `INTO ${HOUR_MEASUREMENT} FROM ${MINUTE_MEASUREMENT} ${where(start, end, sensorFilter)} GROUP BY time(1h), * fill(none)`;

/** A statement to run and where its rows go. */
export type Fetch = {
  statement: string;
  /** Rows as influxd returns them (`epoch=ms`): [time, min, max, sum, count] or [time, value]. */
  take(rows: unknown[][]): void;
  /** Reads raw points (a sub-minute bucket edge). */
  raw?: true;
};

/** Above this many rollup rows in one level's span, its segments are aggregated one statement each. */
const MAX_SPAN_ROWS = 50_000;

/**
 * The statements answering `segments` for one sensor (`sensorWhere` is its `sensor = '…'`),
 * and the per-bucket sums they fill once run.
 * - hour and minute pieces: the rollup rows over the level's span in one statement, each row
 *   added to the segment holding it (rows of buckets read at another level are skipped), or,
 *   when the span would return more than MAX_SPAN_ROWS rows, one aggregate per segment;
 * - raw pieces (sub-minute edges of buckets): the readings of each minute holding one, one
 *   statement per such minute, split between the buckets client-side.
 */
export function planFetches(sensorWhere: string, segments: readonly Segment[]) {
  const sums = new Map<number, BucketSums>();
  const fetches: Fetch[] = [];
  const byLevel = { raw: [] as Segment[], minute: [] as Segment[], hour: [] as Segment[] };
  for (const s of segments) byLevel[s.level].push(s);

  const assign = (level: readonly Segment[], ts: number, p: BucketSums) => {
    // Segments of a level are sorted and disjoint: binary search for the one holding ts.
    let lo = 0;
    let hi = level.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = level[mid];
      if (ts < s.start) hi = mid - 1;
      else if (ts >= s.end) lo = mid + 1;
      else return addPiece(sums, s.bucket, p);
    }
  };
  const rollupRow = (r: unknown[]): BucketSums => ({
    min: Number(r[1]),
    max: Number(r[2]),
    sum: Number(r[3]),
    n: Number(r[4]),
  });

  for (const [level, unit, measurement] of [
    ['hour', HOUR_MS, HOUR_MEASUREMENT],
    ['minute', MINUTE_MS, MINUTE_MEASUREMENT],
  ] as const) {
    const segs = byLevel[level];
    if (segs.length === 0) continue;
    const start = segs[0].start;
    const end = segs[segs.length - 1].end;
    if ((end - start) / unit <= MAX_SPAN_ROWS) {
      fetches.push({
        statement: `SELECT "min", "max", "sum", "count" FROM ${measurement} WHERE ${sensorWhere} AND time >= ${start}ms AND time < ${end}ms`,
        take: (rows) => {
          for (const r of rows) assign(segs, Number(r[0]), rollupRow(r));
        },
      });
    } else {
      for (const s of segs) {
        fetches.push({
          statement: `SELECT min("min"), max("max"), sum("sum"), sum("count") FROM ${measurement} WHERE ${sensorWhere} AND time >= ${s.start}ms AND time < ${s.end}ms`,
          take: (rows) => {
            for (const r of rows) if (r[4] !== null) addPiece(sums, s.bucket, rollupRow(r));
          },
        });
      }
    }
  }

  // Raw pieces lie inside the minute around a bucket edge; neighbours share that minute.
  const raw = byLevel.raw;
  for (let i = 0; i < raw.length; ) {
    const start = floorTo(raw[i].start, MINUTE_MS);
    let j = i;
    while (j < raw.length && raw[j].start < start + MINUTE_MS) j++;
    const end = raw[j - 1].end;
    const pieces = raw.slice(i, j);
    fetches.push({
      raw: true,
      statement: `SELECT value FROM ${MEASUREMENT} WHERE ${sensorWhere} AND time >= ${start}ms AND time < ${end}ms`,
      take: (rows) => {
        for (const r of rows) {
          const v = Number(r[1]);
          assign(pieces, Number(r[0]), { min: v, max: v, sum: v, n: 1 });
        }
      },
    });
    i = j;
  }
  return { fetches, sums, rawStatements: fetches.filter((f) => f.raw).length };
}
