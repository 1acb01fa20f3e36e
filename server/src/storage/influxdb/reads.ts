/**
 * @module storage/influxdb/reads
 * The InfluxQL queries of the InfluxDB store (influxdb-store.ts wraps each in its open check and
 * database retry). Invariants:
 * - Reads select by the `sensor` tag only, so a sensor's readings in any series count.
 * - A good reading may have no `q` field (written before one was needed): missing means good,
 *   and columns are found by name because `q` is absent from an answer where no reading had it.
 * - Buckets start at `from`, never at a round time; empty buckets are left out.
 */
import { InputError, type Quality, type Reading, type SeriesBucket } from '@vigia/shared';
import { planSegments } from '../segments.ts';
import type { ReadingColumns } from '../store.ts';
import { STATEMENTS_PER_REQUEST } from './before-write.ts';
import type { InfluxHttp, QueryResult } from './influx-http.ts';
import { decodeSensorTag, MEASUREMENT, sensorIs } from './line-protocol.ts';
import { planFetches } from './rollups.ts';

/** Requests in flight when a series query is answered from rollups. */
const REQUESTS_IN_FLIGHT = 2;
/**
 * More sub-minute bucket edges than this and the query is answered by one raw GROUP BY
 * instead: influxd 1.6 spends milliseconds per statement on raw points (tens of ms on a
 * series still in its cache), so a thousand edge statements cost more than scanning.
 */
const MAX_EDGE_STATEMENTS = 64;

/** Reject a range bound that is not whole milliseconds (InfluxQL would misread it). */
export function wholeMs(bounds: Record<string, number>): void {
  for (const [name, v] of Object.entries(bounds)) {
    if (!Number.isSafeInteger(v)) throw new InputError('query_invalid', `${name} must be whole milliseconds`, name);
  }
}

/** The readings of one answer's series, `q` missing read as good. */
function rowsOf(s: NonNullable<QueryResult['series']>[number], sensor: string): Reading[] {
  const [t, v, q] = ['time', 'value', 'q'].map((c) => s.columns.indexOf(c));
  return s.values.map((row) => ({
    sensor,
    ts: Number(row[t]),
    value: Number(row[v]),
    q: ((q >= 0 ? row[q] : null) ?? 'good') as Quality,
  }));
}

export function influxReads(http: InfluxHttp) {
  /** Buckets from the rollups: planSegments, then the statements rollups.ts plans, a few requests at once. */
  async function rollupBuckets(
    sensor: string,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<SeriesBucket[] | undefined> {
    const { fetches, sums, rawStatements } = planFetches(sensorIs(sensor), planSegments(from, to, bucketMs));
    if (rawStatements > MAX_EDGE_STATEMENTS) return undefined;
    const chunks: (typeof fetches)[] = [];
    for (let i = 0; i < fetches.length; i += STATEMENTS_PER_REQUEST) {
      chunks.push(fetches.slice(i, i + STATEMENTS_PER_REQUEST));
    }
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        const results = await http.query(chunk.map((f) => f.statement).join(';\n'));
        chunk.forEach((f, i) => {
          for (const s of results[i]?.series ?? []) f.take(s.values);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(REQUESTS_IN_FLIGHT, chunks.length) }, worker));
    return [...sums.entries()]
      .sort(([a], [b]) => a - b)
      .map(([b, { min, max, sum, n }]) => ({ ts: from + b * bucketMs, min, mean: sum / n, max, n }));
  }

  /** Buckets by one GROUP BY over the raw points. */
  async function rawBuckets(sensor: string, from: number, to: number, bucketMs: number): Promise<SeriesBucket[]> {
    // Buckets start at `from`: influxd aligns GROUP BY time to the epoch plus the offset.
    const offset = ((from % bucketMs) + bucketMs) % bucketMs;
    const [result] = await http.query(
      `SELECT min(value), mean(value), max(value), count(value) FROM ${MEASUREMENT} ` +
        `WHERE ${sensorIs(sensor)} AND time >= ${from}ms AND time < ${to}ms ` +
        `GROUP BY time(${bucketMs}ms, ${offset}ms) fill(none)`,
    );
    const values: unknown[][] = result?.series?.[0]?.values ?? [];
    return values.map(
      (v): SeriesBucket => ({
        ts: Number(v[0]),
        min: Number(v[1]),
        mean: Number(v[2]),
        max: Number(v[3]),
        n: Number(v[4]),
      }),
    );
  }

  /** The raw readings of [from, to), every quality, oldest first. */
  async function readings(sensor: string, from: number, to: number): Promise<Reading[]> {
    const [result] = await http.query(
      `SELECT value, q FROM ${MEASUREMENT} WHERE ${sensorIs(sensor)} AND time >= ${from}ms AND time < ${to}ms`,
    );
    const s = result?.series?.[0];
    return s ? rowsOf(s, sensor) : [];
  }

  async function readingColumns(sensor: string, from: number, to: number): Promise<ReadingColumns> {
    // One request: the range (quality filtered here: a good reading has no `q`, and InfluxQL
    // drops points whose field is missing from any comparison), and the first ts at or after `to`.
    const [range, after] = await http.query(
      `SELECT value, q FROM ${MEASUREMENT} WHERE ${sensorIs(sensor)} AND time >= ${from}ms AND time < ${to}ms;\n` +
        `SELECT value FROM ${MEASUREMENT} WHERE ${sensorIs(sensor)} AND time >= ${to}ms ORDER BY time ASC LIMIT 1`,
    );
    const s = range?.series?.[0];
    const [t, v, q] = ['time', 'value', 'q'].map((c) => s?.columns.indexOf(c) ?? -1);
    const rows = (s?.values ?? []).filter((row) => q < 0 || row[q] !== 'bad');
    const next = after?.series?.[0]?.values?.[0]?.[0];
    return {
      ts: Float64Array.from(rows, (row) => Number(row[t])),
      value: Float64Array.from(rows, (row) => Number(row[v])),
      next: next === undefined ? null : Number(next),
    };
  }

  /** The newest reading of each sensor matching `where` (a ` WHERE …` clause, or empty for all). */
  async function latestWhere(where: string): Promise<Reading[]> {
    const results = await http.query(
      `SELECT value, q FROM ${MEASUREMENT}${where} GROUP BY sensor ORDER BY time DESC LIMIT 1`,
    );
    return results.flatMap((r) => r.series ?? []).flatMap((s) => rowsOf(s, decodeSensorTag(s.tags?.sensor ?? '')));
  }

  return { rollupBuckets, rawBuckets, readings, readingColumns, latestWhere };
}
