/**
 * Skipping quiet minutes (quiet-minutes.ts) against reading every reading, on a real SQLite
 * store: random streams of one sensor (mostly in bounds, excursions, gaps longer than the
 * hold, bad readings, several readings a second or one every few minutes), written through
 * the store so its rollups are the real ones, then one interval re-evaluated both ways from
 * the same checkpoint, with bounds that cut minutes. Same events, same snapshot.
 */
import { createEvaluator, type Quality, type Reading, type RuleInput } from '@vigia/shared';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import { evaluateSkippingQuiet } from './quiet-minutes.ts';

const T0 = Date.UTC(2026, 10, 2, 5, 0, 0);
const M = 60_000;
const store = openSqliteStore(':memory:');
afterAll(() => store.close());
let sensorSeq = 0;

/** pH 6–9 on `sensor`, instant (the only averaging the replay skips for). */
const phRule = (sensor: string, more: Partial<RuleInput>): RuleInput => ({
  id: 'r',
  sensor,
  kind: 'range',
  min: 6,
  max: 9,
  averaging: 'instant',
  pending: '1m',
  clear: '1m',
  severity: 'breach',
  ...more,
});

const streamArb = fc.record({
  kind: fc.constantFrom<'max' | 'min' | 'range'>('max', 'min', 'range'),
  pendingS: fc.integer({ min: 0, max: 240 }),
  clearS: fc.integer({ min: 0, max: 240 }),
  hysteresis: fc.constantFrom(0, 0.5),
  holdS: fc.constantFrom(30, 90, 120, 180, 900, 900),
  /** Percent of readings stored as bad (no data to a rule, yet in the rollups). */
  badPercent: fc.constantFrom(0, 1, 50),
  steps: fc.array(
    fc.record({
      gapMs: fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 200, max: 10_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 6 * M }) },
      ),
      value: fc.oneof(
        { weight: 60, arbitrary: fc.integer({ min: 6 * 4, max: 9 * 4 }) },
        { weight: 1, arbitrary: fc.integer({ min: 4 * 4, max: 11 * 4 }) },
      ),
      u: fc.integer({ min: 0, max: 99 }),
    }),
    { minLength: 1, maxLength: 600, size: 'max' },
  ),
  cut: fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })),
  split: fc.integer({ min: 0, max: 100 }),
});

describe('evaluateSkippingQuiet = reading every reading (property, real SQLite store)', () => {
  it('same events and snapshot for any interval, from any checkpoint', async () => {
    let skippedSome = 0;
    await fc.assert(
      fc.asyncProperty(streamArb, async (g) => {
        const sensor = `s${++sensorSeq}`;
        let ts = T0;
        const readings: Reading[] = g.steps.map((s) => {
          ts += s.gapMs;
          const q: Quality = s.u < g.badPercent ? 'bad' : s.u === 99 ? 'uncertain' : 'good';
          return { sensor, ts, value: s.value / 4, q };
        });
        await store.write(readings);
        const rule: RuleInput = {
          id: 'r',
          sensor,
          kind: g.kind,
          ...(g.kind !== 'min' && { max: 9 }),
          ...(g.kind !== 'max' && { min: 6 }),
          averaging: 'instant',
          pending: `${g.pendingS}s`,
          clear: `${g.clearS}s`,
          hysteresis: g.hysteresis,
          severity: 'breach',
          expected_interval: `${g.holdS}s`,
        };
        const span = ts - T0 + 1;
        // A checkpoint somewhere (everything before `a` already evaluated), then [a, b).
        const [x, y] = g.cut.map((c) => T0 + Math.floor((span * c) / 100));
        const a = Math.min(x, y);
        const b = Math.max(x, y) + 1;
        const seed = readings.filter((r) => r.ts < a && r.q !== 'bad');
        const full = createEvaluator(rule);
        const quiet = createEvaluator(rule);
        full.push(seed);
        quiet.push(seed);

        const all = await store.readingColumns!(sensor, a, b);
        const expected = full.pushColumns(all.ts, all.value);
        let readCount = 0;
        const read = async (from: number, to: number) => {
          const cols = await store.readingColumns!(sensor, from, to);
          readCount += cols.ts.length;
          return cols;
        };
        const got = await evaluateSkippingQuiet(quiet, await store.minuteSummaries!(sensor, a, b), read, a, b);
        expect(got).toEqual(expected);
        expect(quiet.snapshot()).toEqual(full.snapshot());
        if (readCount < all.ts.length) skippedSome++;
      }),
      { numRuns: 150 },
    );
    expect(skippedSome).toBeGreaterThan(15); // not vacuous: about 45 of 150 cases skip readings
  });

  it('skips: a quiet hour at 1 Hz reads one minute, an excursion is read whole', async () => {
    const sensor = `s${++sensorSeq}`;
    const hour = Array.from({ length: 3600 }, (_, i) => ({
      sensor,
      ts: T0 + i * 1000,
      value: i >= 1800 && i < 1900 ? 9.5 : 7,
      q: 'good' as const,
    }));
    await store.write(hour);
    const ev = createEvaluator(phRule(sensor, {}));
    ev.push(hour.slice(0, 60)); // the first minute: now in state ok
    const spans: number[] = [];
    const read = (from: number, to: number) => {
      spans.push((to - from) / M);
      return store.readingColumns!(sensor, from, to);
    };
    const a = T0 + M;
    const b = T0 + 3_600_000;
    const events = await evaluateSkippingQuiet(ev, await store.minuteSummaries!(sensor, a, b), read, a, b);
    expect(events.map((e) => e.type)).toContain('breachClosed');
    // Minutes read: the last of the quiet run before the excursion, the excursion's 2 minutes
    // (30:00–31:40) and the clearing minutes after it, the last of the final quiet run.
    const minutesRead = spans.reduce((x, y) => x + y, 0);
    expect(minutesRead).toBeGreaterThanOrEqual(4);
    expect(minutesRead).toBeLessThanOrEqual(8);
  });

  it('a minute holding only bad readings is a gap, though its rollup is not empty', async () => {
    const sensor = `s${++sensorSeq}`;
    // Every 30 s at 7, but 2:30 and 4:00 missing and 3:00, 3:30 bad: good readings 2:00 → 4:30,
    // 150 s apart, longer than the 120 s hold: no data, then ok again.
    const rows: Reading[] = [];
    for (let t = 0; t < 10 * M; t += 30_000) {
      if (t === 150_000 || t === 240_000) continue;
      rows.push({ sensor, ts: T0 + t, value: 7, q: t === 180_000 || t === 210_000 ? 'bad' : 'good' });
    }
    await store.write(rows);
    const rule = phRule(sensor, { pending: '0s', clear: '0s', expected_interval: '120s' });
    const full = createEvaluator(rule);
    const quiet = createEvaluator(rule);
    full.push(rows.slice(0, 1));
    quiet.push(rows.slice(0, 1));
    const [a, b] = [T0 + 1, T0 + 10 * M];
    const all = await store.readingColumns!(sensor, a, b);
    const expected = full.pushColumns(all.ts, all.value);
    expect(expected.map((e) => (e.type === 'stateChanged' ? e.to : e.type))).toEqual(['no_data', 'ok']);
    const read = (from: number, to: number) => store.readingColumns!(sensor, from, to);
    expect(await evaluateSkippingQuiet(quiet, await store.minuteSummaries!(sensor, a, b), read, a, b)).toEqual(
      expected,
    );
  });
});

describe('evaluateSkippingQuiet with a write between the rollups and the rows', () => {
  it('a stand-in reading outside the approved range is not taken: those minutes are read', async () => {
    const sensor = `s${++sensorSeq}`;
    const rows: Reading[] = Array.from({ length: 600 }, (_, i) => ({ sensor, ts: T0 + i * 1000, value: 7, q: 'good' }));
    await store.write(rows);
    const rule = phRule(sensor, { pending: '0s', clear: '0s' });
    const ev = createEvaluator(rule);
    ev.push(rows.slice(0, 1));
    const [a, b] = [T0 + 1, T0 + 10 * M];
    const minutes = await store.minuteSummaries!(sensor, a, b);
    let wrote = false;
    const read = async (from: number, to: number) => {
      if (!wrote) {
        wrote = true; // lands after the summaries were taken, in the last minute of the first run
        await store.write([{ sensor, ts: T0 + 9 * M + 59_500, value: 12, q: 'good' }]);
      }
      return store.readingColumns!(sensor, from, to);
    };
    const events = await evaluateSkippingQuiet(ev, minutes, read, a, b);
    // What reading everything now gives: the 12 opens (pending 0) a breach.
    expect(events.map((e) => e.type)).toContain('breachOpened');
    expect(ev.status().state).toBe('breach');
  });
});
