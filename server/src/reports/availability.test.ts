import { averageSeries } from '@vigia/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY0 } from '../../test-support/report-fixture.ts';
import { dailyRows, dayFold, dayWindows } from './availability.ts';
import type { ReportRule } from './model.ts';

const MIN = 60_000;
const at = (h: number, m = 0) => DAY0 + (h * 60 + m) * MIN;
const rule = (over: Partial<ReportRule> = {}): ReportRule => ({
  id: 'flow',
  sensor: 'plant.water_in',
  sensorName: null,
  unit: 'm3/h',
  kind: 'max',
  max: 10,
  averaging: 'instant',
  severity: 'breach',
  holdMs: 15 * MIN,
  ...over,
});

/** Every 10 min 00:00–12:00 and 18:00–23:50 local, 2 m3/h; a bad reading at 14:00. */
function readings() {
  const out: { ts: number; value: number; q?: string }[] = [];
  for (let m = 0; m <= 12 * 60; m += 10) out.push({ ts: at(0, m), value: 2 });
  out.push({ ts: at(14), value: 99, q: 'bad' });
  for (let m = 18 * 60; m < 24 * 60; m += 10) out.push({ ts: at(0, m), value: 2 });
  return out;
}

describe('daily availability (hold model)', () => {
  it('counts each reading until the next one, at most the hold, and skips bad readings', () => {
    const [day] = dailyRows(1, rule(), readings(), DAY0, DAY0 + 24 * 60 * MIN, 'America/Bogota');
    // 00:00–12:00 covered by the 10-min readings, + the 12:00 reading's 15 min hold = 12 h 15 min.
    // 18:00–24:00: the 23:50 reading holds 15 min but the day ends at 24:00 = 6 h.
    // The bad 14:00 reading adds nothing. 12 h 15 min + 6 h = 1095 min of 1440.
    expect(day.day).toBe('2025-11-03');
    expect(day.coveredMs).toBe(1095 * MIN);
    expect(day.availability).toBeCloseTo(1095 / 1440, 12); // 76.04 %
    // A rate unit asks for a daily total: 2 m3/h × 18.25 h = 36.5 m3.
    expect(day.total).toBeCloseTo(36.5, 9);
    expect(day.totalUnit).toBe('m3');
    expect(day.mean).toBeUndefined();
  });

  it('agrees with the shared averager (daily_total coverage, same hold model)', () => {
    const good = readings().filter((r) => r.q !== 'bad');
    const [point] = averageSeries(
      { kind: 'daily_total' },
      good,
      { holdMs: 15 * MIN, unit: 'm3/h' },
      DAY0 + 25 * 60 * MIN,
    );
    const [day] = dailyRows(1, rule(), readings(), DAY0, DAY0 + 24 * 60 * MIN, 'America/Bogota');
    expect(point.coverage).toBeCloseTo(day.availability, 12);
    expect(point.value).toBeCloseTo(day.total!, 9);
  });

  it('lets a reading from before the period hold into it, and divides a partial day by its own length', () => {
    const rows = dailyRows(
      1,
      rule({ averaging: 'daily_mean', unit: 'pH' }),
      [
        { ts: at(-1, 55), value: 7 },
        { ts: at(0, 5), value: 8 },
      ],
      at(0),
      at(6),
      'America/Bogota',
    );
    expect(rows).toHaveLength(1);
    // 23:55 holds to 00:05 (10 min), the 00:05 reading 15 min: 20 min in a 6 h window.
    expect(rows[0].coveredMs).toBe(20 * MIN);
    expect(rows[0].availability).toBeCloseTo(20 / 360, 12);
    expect(rows[0].mean).toBe(8);
    expect(rows[0].total).toBeUndefined();
  });

  it('cuts periods at site-local midnight', () => {
    const w = dayWindows(at(12), at(12) + 48 * 60 * MIN, 'America/Bogota');
    expect(w.map((d) => d.day)).toEqual(['2025-11-03', '2025-11-04', '2025-11-05']);
    expect(w[1].start).toBe(Date.UTC(2025, 10, 4, 5));
  });

  it('gives the same rows however the readings are cut into chunks (the report streams them)', () => {
    const good = readings().filter((r) => r.q !== 'bad');
    const r = rule({ averaging: 'daily_mean' });
    const whole = dailyRows(1, r, good, DAY0 - 60 * MIN, DAY0 + 30 * 60 * MIN, 'America/Lima');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: good.length }), { maxLength: 8 }), (cuts) => {
        const fold = dayFold(1, r, DAY0 - 60 * MIN, DAY0 + 30 * 60 * MIN, 'America/Lima');
        const at = [0, ...[...cuts].sort((a, b) => a - b), good.length];
        for (let i = 0; i + 1 < at.length; i++) {
          const part = good.slice(at[i], at[i + 1]);
          fold.push(
            part.map((x) => x.ts),
            part.map((x) => x.value),
          );
        }
        expect(fold.finish()).toEqual(whole);
      }),
    );
  });
});
