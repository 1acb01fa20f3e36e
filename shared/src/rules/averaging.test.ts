import { describe, expect, it } from 'vitest';
import { averageSeries } from './averaging.ts';
import type { RuleInput } from './compile.ts';
import { createEvaluator } from './evaluate.ts';
import type { RuleEvent } from './events.ts';
import { evaluateAll, withoutAvailability } from './reference.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 10, 3, 11, 0, 0); // 06:00 in Bogotá, start of a shift

describe('CO, twa:8h, irregular samples with a gap (hold = expected_interval 2 h)', () => {
  // Readings (hours after T0, ppm): 0:20, 2:30, 3:20, 3.5:10, 7:60, 8:40, 9:40.
  // Each value holds until the next reading but at most 2 h:
  //   20 over [0,2) = 40 ppm·h   30 over [2,3) = 30   20 over [3,3.5) = 10
  //   10 over [3.5,5.5) = 20, then silent 5.5–7 h     60 over [7,8) = 60   40 over [8,9) = 40
  const hours = [0, 2, 3, 3.5, 7, 8, 9];
  const ppm = [20, 30, 20, 10, 60, 40, 40];
  const readings = hours.map((h, i) => ({ ts: T0 + h * H, value: ppm[i] }));
  const rule: RuleInput = {
    id: 'co-twa',
    sensor: 'tunnel.co',
    kind: 'max',
    max: 25,
    averaging: 'twa:8h',
    severity: 'alarm',
    expected_interval: '2h',
  };
  const points = averageSeries({ kind: 'twa', windowMs: 8 * H }, readings, { holdMs: 2 * H });

  it('divides by the covered time, not the window, and reports coverage', () => {
    // t=0: nothing before it → no value. t=2: 40/2 = 20. t=3: 70/3 = 23.3. t=3.5: 80/3.5 = 22.9.
    expect(points[0].value).toBeNaN();
    expect(points[1].value).toBe(20);
    expect(points[2].value).toBeCloseTo(70 / 3, 12);
    expect(points[3].value).toBeCloseTo(80 / 3.5, 12);
    // t=7 after the 5.5–7 gap: (40+30+10+20) / (2+1+0.5+2) = 100/5.5 = 18.2; coverage 5.5/8
    expect(points[4].value).toBeCloseTo(100 / 5.5, 12);
    expect(points[4].coverage).toBeCloseTo(5.5 / 8, 12);
    // t=8, window (0,8]: (100 + 60) / 6.5 = 24.6; coverage 6.5/8 = 0.8125
    expect(points[5].value).toBeCloseTo(160 / 6.5, 12);
    expect(points[5].coverage).toBe(0.8125);
    // t=9, window (1,9]: 20 over [1,2) = 20, + 30 + 10 + 20 + 60 + 40 = 180 ppm·h over 6.5 h
    // = 27.7 ppm > 25. (Dividing by the whole 8 h would give 22.5 and hide it.)
    expect(points[6].value).toBeCloseTo(180 / 6.5, 12);
  });

  it('shows the 5.5–7 h silence as no data and breaches at 9 h', () => {
    const events = createEvaluator(rule).push(readings);
    const changes = events.flatMap((e) => (e.type === 'stateChanged' ? [`${e.to}@${(e.ts - T0) / H}h`] : []));
    expect(changes).toEqual(['ok@2h', 'no_data@5.5h', 'ok@7h', 'pending@9h', 'breach@9h']);
    const opened = events.filter((e): e is Extract<RuleEvent, { type: 'breachOpened' }> => e.type === 'breachOpened');
    expect(opened.map((e) => [e.breach.start, e.breach.peak])).toEqual([[T0 + 9 * H, 180 / 6.5]]);
    expect(evaluateAll(rule, readings).map((b) => b.start)).toEqual([T0 + 9 * H]);
  });
});

describe('daily water total against a concession (m3/h integrated to m3/day, Bogotá days)', () => {
  // Bogotá is UTC−5: a local day runs 05:00Z → 05:00Z. expected_interval 2 h (hold).
  const z = (d: number, h: number) => Date.UTC(2025, 10, d, h);
  const readings = [
    { ts: z(3, 4), value: 10 }, // 23:00 on 2 Nov local
    { ts: z(3, 6), value: 12 }, // 01:00 on 3 Nov
    { ts: z(3, 12), value: 8 }, // 07:00 (12 held only to 08:00Z: 4 h silent)
    { ts: z(3, 14), value: 30 }, // 09:00, held to 16:00Z then silent
    { ts: z(4, 6), value: 5 }, // 01:00 on 4 Nov
  ];
  const rule: RuleInput = {
    id: 'water-concession',
    sensor: 'plant.water_in',
    kind: 'max',
    max: 100,
    averaging: 'daily_total',
    severity: 'breach',
    expected_interval: '2h',
  };

  it('integrates rate × hours per local day and cuts at Bogotá midnight (05:00Z)', () => {
    const points = averageSeries({ kind: 'daily_total' }, readings, { holdMs: 2 * H, unit: 'm3/h' }, z(5, 5));
    // 2 Nov: 10 m3/h over 04:00–05:00Z = 1 h → 10 m3; covered 1 h of 24.
    // 3 Nov: 10 × 1 h (05–06Z) + 12 × 2 h (06–08Z) + 8 × 2 h (12–14Z) + 30 × 2 h (14–16Z)
    //        = 10 + 24 + 16 + 60 = 110 m3; covered 7 h.
    // 4 Nov: 5 × 2 h (06–08Z) = 10 m3; covered 2 h.
    expect(points).toEqual([
      { ts: z(2, 5), value: 10, until: z(3, 5), coverage: 1 / 24 },
      { ts: z(3, 5), value: 110, until: z(4, 5), coverage: 7 / 24 },
      { ts: z(4, 5), value: 10, until: z(5, 5), coverage: 2 / 24 },
    ]);
  });

  it('finds the day over the concession once the day is over, and closes on the next good day', () => {
    const ev = createEvaluator(rule, { unit: 'm3/h' });
    const first = ev.push(readings);
    // The 4 Nov reading completes 3 Nov: 110 > 100 → breach for the whole local day.
    const opened = first.find((e) => e.type === 'breachOpened');
    expect(opened).toMatchObject({ ts: z(3, 5), breach: { start: z(3, 5), peak: 110, limit: 100, end: null } });
    const later = ev.advanceTo(z(5, 5) + 1);
    const closedEvent = later.find((e) => e.type === 'breachClosed');
    // Excess 10 m3 held for the 86,400 s of the day: 864,000 m3·s.
    expect(closedEvent).toMatchObject({ breach: { end: z(4, 5), durationMs: 24 * H, exceedance: 864_000 } });
    const closedBreach = (closedEvent as Extract<RuleEvent, { type: 'breachClosed' }>).breach;
    expect(evaluateAll(rule, readings, { unit: 'm3/h', until: z(5, 5) + 1 })).toEqual([
      withoutAvailability(closedBreach),
    ]);
    // The day was judged on the 7 h of it that readings covered, and says so.
    expect(closedBreach.availability).toBeCloseTo(7 / 24, 12);
  });

  it('needs the sensor unit to know the rate time base', () => {
    expect(() => createEvaluator(rule)).toThrow(/unit/);
  });
});

describe('rolling and daily mean', () => {
  it('rolling:15m is the arithmetic mean of readings in (t − 15 min, t]', () => {
    const M = 60_000;
    const rs = [0, 5, 10, 15, 20].map((m, i) => ({ ts: T0 + m * M, value: [2, 4, 6, 8, 10][i] }));
    const values = averageSeries({ kind: 'rolling', windowMs: 15 * M }, rs, { holdMs: 10 * M }).map((p) => p.value);
    // t=15: the reading at 0 is out ((0,15] excludes 0): (4+6+8)/3 = 6; t=20: (6+8+10)/3 = 8
    expect(values).toEqual([2, 3, 4, 6, 8]);
  });
  it('daily_mean averages the readings of each local day', () => {
    const z = (d: number, h: number) => Date.UTC(2025, 10, d, h);
    const rs = [
      { ts: z(3, 4), value: 80 }, // 2 Nov local
      { ts: z(3, 6), value: 60 },
      { ts: z(3, 20), value: 90 },
      { ts: z(4, 6), value: 10 },
    ];
    const points = averageSeries({ kind: 'daily_mean' }, rs, { holdMs: H });
    expect(points.map((p) => [p.ts, p.value])).toEqual([
      [z(2, 5), 80],
      [z(3, 5), 75],
    ]);
  });
});

describe('calendar periods are judged when they end, not when the next reading comes', () => {
  const z = (d: number, h: number) => Date.UTC(2025, 10, d, h);
  const mean: RuleInput = {
    id: 'tss',
    sensor: 'plant.tss',
    kind: 'max',
    max: 50,
    averaging: 'daily_mean',
    severity: 'breach',
    expected_interval: '1h',
  };

  it('periodEnd is the open day end; advancing there judges it on what arrived, with its coverage', () => {
    const ev = createEvaluator(mean);
    expect(ev.periodEnd()).toBeNull();
    // 3 Nov in Bogotá (UTC−5): two readings an hour apart, each held 1 h: 2 h of the day covered.
    ev.push([
      { ts: z(3, 6), value: 80 },
      { ts: z(3, 7), value: 60 },
    ]);
    expect(ev.periodEnd()).toBe(z(4, 5));
    expect(ev.advanceTo(z(4, 5) - 1).filter((e) => e.type === 'breachOpened')).toEqual([]);
    const opened = ev.advanceTo(z(4, 5)).find((e) => e.type === 'breachOpened');
    expect(opened).toMatchObject({ breach: { start: z(3, 5), peak: 70, limit: 50, end: null } });
    expect((opened as Extract<RuleEvent, { type: 'breachOpened' }>).breach.availability).toBeCloseTo(2 / 24, 12);
    // The next day has no reading: judging it ends the breach as no data at the end of the day.
    expect(ev.periodEnd()).toBe(z(5, 5));
    const closed = ev.advanceTo(z(5, 5)).find((e) => e.type === 'breachClosed');
    expect(closed).toMatchObject({ breach: { start: z(3, 5), end: z(4, 5), closedBy: 'no_data' } });
  });

  it('a rate held past midnight counts in the next day when that day is judged; instant rules have no period', () => {
    const ev = createEvaluator(
      { ...mean, max: 5, averaging: 'daily_total', expected_interval: '2h' },
      { unit: 'm3/h' },
    );
    ev.push([{ ts: z(4, 4), value: 10 }]); // 23:00 on 3 Nov local, held to 01:00 on 4 Nov
    expect(ev.periodEnd()).toBe(z(4, 5));
    // 3 Nov: 10 m3 in its last hour: over 5.
    expect(ev.advanceTo(z(4, 5)).find((e) => e.type === 'breachOpened')).toMatchObject({ breach: { start: z(3, 5) } });
    expect(ev.periodEnd()).toBe(z(5, 5));
    // 4 Nov: the hour held after midnight, 10 m3 again: still over, not "no data".
    expect(ev.advanceTo(z(5, 5)).filter((e) => e.type === 'breachClosed')).toEqual([]);
    expect(ev.status()).toMatchObject({ state: 'breach', value: 10 });
    expect(ev.status().breach!.availability).toBeCloseTo(1 / 24, 12);
    const instant = createEvaluator({ ...mean, averaging: 'instant' });
    instant.push([{ ts: z(4, 4), value: 10 }]);
    expect(instant.periodEnd()).toBeNull();
  });
});
