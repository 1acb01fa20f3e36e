/**
 * @module storage/influxdb/before-write
 * What the InfluxDB store must know before it writes a batch that is not a pure append, read in
 * one request: the stored readings of the minutes it touches (to judge each reading against what
 * is stored, revisions.ts, and to find readings to write with `q="good"`), and the stored minute
 * rollups of the hours it touches (rollups.ts `batchRollups`). Reads only; never writes.
 */

import type { Quality, Reading } from '@vigia/shared';
import type { BucketSums } from '../segments.ts';
import { HOUR_MS, MINUTE_MS } from '../segments.ts';
import type { InfluxHttp } from './influx-http.ts';
import { decodeSensorTag, MEASUREMENT, sensorIs } from './line-protocol.ts';
import { batchRollups, MINUTE_MEASUREMENT, type RollupPoints, touchedRuns } from './rollups.ts';

/** Sensors named in one InfluxQL WHERE; more are read unfiltered. */
export const SENSORS_PER_QUERY = 100;
/** Statements per /query request. */
export const STATEMENTS_PER_REQUEST = 250;

/**
 * One request before a batch is written, answering two needs:
 * - readings to write with `q="good"`: good now, but stored as uncertain/bad at the same
 *   (sensor, ts), or following such a reading earlier in this batch (one request merges too);
 * - the rollups the batch leaves (rollups.ts `batchRollups`): from the stored readings of
 *   the minutes it touches and the stored minute rollups of the hours it touches.
 */
export async function beforeWrite(http: InfluxHttp, readings: readonly Reading[]) {
  const sensors = new Set(readings.map((r) => r.sensor));
  const only = sensors.size <= SENSORS_PER_QUERY ? ` AND (${[...sensors].map(sensorIs).join(' OR ')})` : '';
  const stamps = readings.map((r) => r.ts);
  const minuteRuns = touchedRuns(stamps, MINUTE_MS);
  const hourRuns = touchedRuns(stamps, HOUR_MS, 0);
  const statements = [
    ...minuteRuns.map(
      ([a, b]) => `SELECT value, q FROM ${MEASUREMENT} WHERE time >= ${a}ms AND time < ${b}ms${only} GROUP BY sensor`,
    ),
    ...hourRuns.map(
      ([a, b]) =>
        `SELECT "min", "max", "sum", "count" FROM ${MINUTE_MEASUREMENT} WHERE time >= ${a}ms AND time < ${b}ms${only} GROUP BY sensor`,
    ),
  ];
  const results: Awaited<ReturnType<InfluxHttp['query']>> = [];
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_REQUEST) {
    results.push(...(await http.query(statements.slice(i, i + STATEMENTS_PER_REQUEST).join(';\n'))));
  }
  const stored = new Map<string, Map<number, number>>();
  const storedQ = new Map<string, Map<number, Quality>>(); // only readings stored as not good
  const storedMinutes: RollupPoints = new Map();
  results.forEach((result, i) => {
    for (const s of result?.series ?? []) {
      const sensor = decodeSensorTag(s.tags?.sensor ?? '');
      if (!sensors.has(sensor)) continue;
      if (i < minuteRuns.length) {
        const [t, v, q] = ['time', 'value', 'q'].map((c) => s.columns.indexOf(c));
        const values = stored.get(sensor) ?? new Map<number, number>();
        stored.set(sensor, values);
        for (const row of s.values) {
          values.set(Number(row[t]), Number(row[v]));
          if (q >= 0 && row[q] !== null && row[q] !== 'good') {
            const qs = storedQ.get(sensor) ?? new Map<number, Quality>();
            storedQ.set(sensor, qs.set(Number(row[t]), row[q] as Quality));
          }
        }
      } else {
        const minutes = storedMinutes.get(sensor) ?? new Map<number, BucketSums>();
        storedMinutes.set(sensor, minutes);
        for (const [t, min, max, sum, n] of s.values) {
          minutes.set(Number(t), { min: Number(min), max: Number(max), sum: Number(sum), n: Number(n) });
        }
      }
    }
  });
  const storedAt = (sensor: string, ts: number) => {
    const value = stored.get(sensor)?.get(ts);
    return value === undefined ? undefined : { value, q: storedQ.get(sensor)?.get(ts) ?? ('good' as const) };
  };
  return {
    markGood: batchMarkGood(readings, storedQ),
    rollups: batchRollups(readings, stored, storedMinutes),
    storedAt,
  };
}

/**
 * Good readings following a not-good one at the same (sensor, ts): earlier in the batch, or
 * stored so (`storedNotGood`: sensor → ts → quality of readings stored as not good).
 */
export function batchMarkGood(
  readings: readonly Reading[],
  storedNotGood?: ReadonlyMap<string, ReadonlyMap<number, Quality>>,
): Set<Reading> {
  const out = new Set<Reading>();
  const notGood = new Map<string, Set<number>>(); // no key string per reading: this runs on every batch
  for (const r of readings) {
    if (r.q !== 'good') {
      const times = notGood.get(r.sensor);
      if (times) times.add(r.ts);
      else notGood.set(r.sensor, new Set([r.ts]));
    } else if ((notGood.size > 0 && notGood.get(r.sensor)?.has(r.ts)) || storedNotGood?.get(r.sensor)?.has(r.ts))
      out.add(r);
  }
  return out;
}
