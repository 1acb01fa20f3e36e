/**
 * @module storage/influxdb/revisions
 * Readings as evidence in InfluxDB (store.ts): each reading of a batch judged against the stored
 * reading (or an earlier one of the batch) at its (sensor, ts), and the revisions corrections make,
 * kept in the measurement `reading_revision` (time = the reading's ts; tags `sensor` and `rev`,
 * unique per revision, so two revisions of one reading never overwrite each other). Revision lines
 * go in the same request as the batch's readings, so a failed write leaves neither.
 */
import type { Quality, Reading, ReadingConflict } from '@vigia/shared';
import { conflictOf, judgeReading, type Revision, revisionOf, type WriteOptions } from '../store.ts';
import type { QueryResult } from './influx-http.ts';
import { decodeSensorTag, encodeSensorTag, fieldString, sensorIs } from './line-protocol.ts';

export const REVISION_MEASUREMENT = 'reading_revision';

/** Stored value and quality at (sensor, ts), or undefined when nothing is stored there. */
export type StoredAt = (sensor: string, ts: number) => { value: number; q: Quality } | undefined;

/** The conflicts and revisions of a batch, readings judged in order (store.ts `judgeReading`). */
export function judgeBatch(
  readings: readonly Reading[],
  storedAt: StoredAt,
  options: WriteOptions,
): { conflicts: ReadingConflict[]; revisions: Revision[] } {
  const conflicts: ReadingConflict[] = [];
  const revisions: Revision[] = [];
  // What each (sensor, ts) holds after the readings before this one: the batch is applied in order.
  const current = new Map<string, Map<number, { value: number; q: Quality }>>();
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i];
    let times = current.get(r.sensor);
    if (!times) {
      times = new Map();
      current.set(r.sensor, times);
    }
    const prior = times.get(r.ts) ?? storedAt(r.sensor, r.ts);
    const verdict = judgeReading(r, prior);
    if (verdict === 'conflict' && prior) {
      conflicts.push(conflictOf(i, r, prior));
      continue;
    }
    if (verdict === 'revise' && prior) revisions.push(revisionOf(r, prior, options));
    times.set(r.ts, { value: r.value, q: r.q });
  }
  return { conflicts, revisions };
}

/**
 * Line protocol of revisions, one line each (the store cuts them into requests with the readings);
 * `rev` = `<revised_at>.<n>` keeps each one a point of its own.
 */
export function revisionLines(revisions: readonly Revision[]): string[] {
  return revisions.map((v, n) => {
    const tag = encodeSensorTag(v.sensor).replace(/[,= ]/g, '\\$&');
    return (
      `${REVISION_MEASUREMENT},rev=${v.revised_at}.${n},sensor=${tag} ` +
      `value=${v.value},q=${fieldString(v.q)},new_value=${v.new_value},new_q=${fieldString(v.new_q)},` +
      `revised_at=${v.revised_at}i,by=${fieldString(v.by)}` +
      `${v.reason === null ? '' : `,reason=${fieldString(v.reason)}`} ${v.ts}\n`
    );
  });
}

/** The InfluxQL statement for the revisions of `sensor` with ts in [from, to). */
export function revisionsStatement(sensor: string, from: number, to: number): string {
  return `SELECT * FROM ${REVISION_MEASUREMENT} WHERE ${sensorIs(sensor)} AND time >= ${from}ms AND time < ${to}ms`;
}

/** Revisions from the answer to `revisionsStatement`, by ts, then oldest revision first. */
export function parseRevisions(result: QueryResult | undefined): Revision[] {
  const out: (Revision & { n: number })[] = [];
  for (const s of result?.series ?? []) {
    const col = (name: string) => s.columns.indexOf(name);
    const [t, value, q, newValue, newQ, at, by, reason, sensor, rev] = [
      'time',
      'value',
      'q',
      'new_value',
      'new_q',
      'revised_at',
      'by',
      'reason',
      'sensor',
      'rev',
    ].map(col);
    for (const row of s.values) {
      out.push({
        sensor: decodeSensorTag(String(row[sensor])),
        ts: Number(row[t]),
        value: Number(row[value]),
        q: row[q] as Quality,
        new_value: Number(row[newValue]),
        new_q: row[newQ] as Quality,
        revised_at: Number(row[at]),
        by: String(row[by] ?? ''),
        reason: reason >= 0 && row[reason] !== null ? String(row[reason]) : null,
        n: Number(String(row[rev]).split('.')[1] ?? 0),
      });
    }
  }
  out.sort((a, b) => a.ts - b.ts || a.revised_at - b.revised_at || a.n - b.n);
  return out.map(({ n: _, ...v }) => v);
}
