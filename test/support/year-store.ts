/**
 * @module test/support/year-store
 * A year of one sensor written straight into a test server's SQLite store through the `Store`
 * interface (before `server.start()`; ingest would take minutes): one reading every `stepS`
 * seconds, one write a day. Used by the year-chart browser test and the chart bench.
 */
import { join } from 'node:path';
import { openSqliteStore } from '@vigia/server';
import type { Reading } from '@vigia/shared';

const DAY_S = 86_400;

/** Readings of `sensor` from `start` (ms) for 365 days; `valueAt(s)` gives the value `s` seconds in. */
export async function writeYear(
  dataDir: string,
  sensor: string,
  start: number,
  stepS: number,
  valueAt: (s: number) => number,
): Promise<void> {
  const store = openSqliteStore(join(dataDir, 'readings.db'));
  const perDay = Math.round(DAY_S / stepS);
  try {
    for (let day = 0; day < 365; day++) {
      const batch: Reading[] = Array.from({ length: perDay }, (_, i) => {
        const s = (day * perDay + i) * stepS;
        return { sensor, ts: start + s * 1000, value: valueAt(s), q: 'good' };
      });
      await store.write(batch);
    }
  } finally {
    await store.close();
  }
}
