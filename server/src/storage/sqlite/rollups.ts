/**
 * @module storage/sqlite/rollups
 * Rollup tables of the embedded store: per sensor, 1-minute and 1-hour buckets of
 * (min, max, sum, count), aligned to the epoch (UTC). They are derived data and never the
 * source of truth:
 * - they are rewritten in the same transaction as the raw rows they summarise, by
 *   recomputing every touched bucket from the rows below it (raw -> minute -> hour), so a
 *   replaced value (same sensor and ts, last write wins) corrects them and a refused batch
 *   leaves them untouched;
 * - a query answered from them equals the same query over the raw rows (min, max, n exactly;
 *   mean up to float summation order), whatever `from` and bucket width: `planSegments`
 *   splits each bucket into pieces aligned to a level, and the edges finer than a minute
 *   are read from the raw rows. The planning (`planSegments`) is shared with the InfluxDB
 *   store: `../segments.ts`.
 */
import type Database from 'better-sqlite3';
import { addPiece, type BucketSums, floorTo, HOUR_MS, MINUTE_MS, type Segment } from '../segments.ts';

export const ROLLUP_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rollup_1m (
    sensor TEXT NOT NULL, bucket_start INTEGER NOT NULL,
    min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (sensor, bucket_start)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rollup_1h (
    sensor TEXT NOT NULL, bucket_start INTEGER NOT NULL,
    min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (sensor, bucket_start)
  ) WITHOUT ROWID;
`;

/** Fill both rollup tables from the readings table (a database written before rollups existed). */
export const ROLLUP_BACKFILL = `
  DELETE FROM rollup_1m;
  DELETE FROM rollup_1h;
  INSERT INTO rollup_1m (sensor, bucket_start, min, max, sum, count)
    SELECT sensor, ts - (ts % ${MINUTE_MS}) - (CASE WHEN ts % ${MINUTE_MS} < 0 THEN ${MINUTE_MS} ELSE 0 END) AS m,
           MIN(value), MAX(value), SUM(value), COUNT(*)
    FROM readings GROUP BY sensor, m;
  INSERT INTO rollup_1h (sensor, bucket_start, min, max, sum, count)
    SELECT sensor, bucket_start - (bucket_start % ${HOUR_MS}) - (CASE WHEN bucket_start % ${HOUR_MS} < 0 THEN ${HOUR_MS} ELSE 0 END) AS h,
           MIN(min), MAX(max), SUM(sum), SUM(count)
    FROM rollup_1m GROUP BY sensor, h;
`;

type Partial = { min: number | null; max: number | null; sum: number | null; n: number };

/** Statements that keep the rollups of one database in step with its readings table. */
export function rollupStatements(db: Database.Database) {
  const recomputeMinute = db.prepare(
    `INSERT OR REPLACE INTO rollup_1m (sensor, bucket_start, min, max, sum, count)
     SELECT @sensor, @start, MIN(value), MAX(value), SUM(value), COUNT(*)
     FROM readings WHERE sensor = @sensor AND ts >= @start AND ts < @start + ${MINUTE_MS}`,
  );
  const recomputeHour = db.prepare(
    `INSERT OR REPLACE INTO rollup_1h (sensor, bucket_start, min, max, sum, count)
     SELECT @sensor, @start, MIN(min), MAX(max), SUM(sum), SUM(count)
     FROM rollup_1m WHERE sensor = @sensor AND bucket_start >= @start AND bucket_start < @start + ${HOUR_MS}`,
  );
  const partial = {
    raw: db.prepare(
      `SELECT MIN(value) AS min, MAX(value) AS max, SUM(value) AS sum, COUNT(*) AS n
       FROM readings WHERE sensor = @sensor AND ts >= @start AND ts < @end`,
    ),
    minute: db.prepare(
      `SELECT MIN(min) AS min, MAX(max) AS max, SUM(sum) AS sum, COALESCE(SUM(count), 0) AS n
       FROM rollup_1m WHERE sensor = @sensor AND bucket_start >= @start AND bucket_start < @end`,
    ),
    hour: db.prepare(
      `SELECT MIN(min) AS min, MAX(max) AS max, SUM(sum) AS sum, COALESCE(SUM(count), 0) AS n
       FROM rollup_1h WHERE sensor = @sensor AND bucket_start >= @start AND bucket_start < @end`,
    ),
  };

  return {
    /**
     * Recompute the minutes and hours `touched` (sensor -> timestamps written) from the rows
     * below them. Runs inside the caller's write transaction. No reading is ever deleted, so
     * a touched minute always has at least one row.
     */
    refresh(touched: ReadonlyMap<string, readonly number[]>): void {
      for (const [sensor, stamps] of touched) {
        const minutes = new Set(stamps.map((ts) => floorTo(ts, MINUTE_MS)));
        for (const start of minutes) recomputeMinute.run({ sensor, start });
        const hours = new Set([...minutes].map((m) => floorTo(m, HOUR_MS)));
        for (const start of hours) recomputeHour.run({ sensor, start });
      }
    },
    /** Per bucket index, (min, max, sum, n) over its segments; buckets with n = 0 are absent. */
    aggregate(sensor: string, segments: readonly Segment[]): Map<number, BucketSums> {
      const out = new Map<number, BucketSums>();
      for (const s of segments) {
        const p = partial[s.level].get({ sensor, start: s.start, end: s.end }) as Partial;
        if (p.n === 0 || p.min === null || p.max === null || p.sum === null) continue;
        addPiece(out, s.bucket, { min: p.min, max: p.max, sum: p.sum, n: p.n });
      }
      return out;
    },
  };
}
