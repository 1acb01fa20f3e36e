// The rollup path gives the same day rows as the raw fold, on a real SQLite store: gaps longer
// and shorter than the hold, bad readings, unaligned periods, zones with half-hour offsets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { dayFold } from './availability.ts';
import type { DayRow, ReportRule } from './model.ts';
import { readingChunks } from './read-chunks.ts';
import { eligible, rollupDays } from './rollup-days.ts';

const MIN = 60_000;
const START = Date.UTC(2025, 10, 1);
const DAYS = 4;
let dir = '';
let store: Store;

/** A seeded generator, so a failure repeats. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-rollup-days-'));
  store = openSqliteStore(join(dir, 'readings.db'));
  const rnd = random(7);
  const rows: Reading[] = [];
  for (let ts = START; ts < START + DAYS * 86_400_000; ) {
    const r = rnd();
    rows.push({
      sensor: 's',
      ts,
      value: Math.round(rnd() * 1000) / 10,
      q: r < 0.02 ? 'bad' : r < 0.05 ? 'uncertain' : 'good',
    });
    // Mostly 1–20 s apart; sometimes a gap of minutes, now and then one of hours.
    const g = rnd();
    ts +=
      g < 0.002
        ? Math.floor(rnd() * 5 * 3_600_000)
        : g < 0.01
          ? Math.floor(rnd() * 30 * MIN)
          : 1000 + Math.floor(rnd() * 19_000);
  }
  for (let i = 0; i < rows.length; i += 5000) await store.write(rows.slice(i, i + 5000));
}, 60_000);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const rule = (over: Partial<ReportRule>): ReportRule => ({
  id: 'r',
  sensor: 's',
  sensorName: null,
  unit: 'mg/L',
  kind: 'max',
  max: 50,
  averaging: 'daily_mean',
  severity: 'breach',
  holdMs: 15 * MIN,
  ...over,
});

async function raw(r: ReportRule, from: number, to: number, tz: string): Promise<DayRow[]> {
  const fold = dayFold(1, r, from, to, tz);
  for await (const c of readingChunks(store, r.sensor, from - r.holdMs, to)) fold.push(c.ts, c.value);
  return fold.finish();
}

describe('day rows from the rollups', () => {
  it.each([
    ['America/Bogota', 0, DAYS * 86_400_000, 15 * MIN, 'daily_mean', 'mg/L'],
    ['Asia/Kolkata', 12_345, DAYS * 86_400_000 - 98_765, 15 * MIN, 'daily_mean', 'mg/L'],
    ['America/Lima', 3 * 3_600_000 + 17, 2.5 * 86_400_000, 2 * MIN, 'instant', 'mg/L'],
    ['Europe/Madrid', 7 * MIN + 5, DAYS * 86_400_000, 40 * MIN, 'daily_total', 'm3'],
  ])('equal the raw fold in %s (from +%i ms, to +%i ms, hold %i ms, %s)', async (tz, a, b, holdMs, averaging, unit) => {
    const r = rule({ holdMs, averaging, unit });
    expect(eligible(store, r)).toBe(true);
    const from = START + a;
    const to = START + b;
    const fast = await rollupDays(store as Store & Required<Store>, 1, r, from, to, tz);
    const slow = await raw(r, from, to, tz);
    expect(fast.map((d) => d.day)).toEqual(slow.map((d) => d.day));
    for (let k = 0; k < slow.length; k++) {
      expect(fast[k].coveredMs, slow[k].day).toBe(slow[k].coveredMs);
      for (const f of ['mean', 'total'] as const) {
        const want = slow[k][f];
        if (want === undefined || want === null) expect(fast[k][f], `${slow[k].day} ${f}`).toBe(want);
        else expect(fast[k][f], `${slow[k].day} ${f}`).toBeCloseTo(want, 6);
      }
    }
  });

  it('is not used where it would not be exact: a short hold, a rate total', () => {
    expect(eligible(store, rule({ holdMs: 90_000 }))).toBe(false);
    expect(eligible(store, rule({ averaging: 'daily_total', unit: 'm3/h' }))).toBe(false);
  });
});
