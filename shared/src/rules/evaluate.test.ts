import { describe, expect, it } from 'vitest';
import type { RuleInput } from './compile.ts';
import { createEvaluator, evaluateRange, lateImpact, type Sample } from './evaluate.ts';
import type { RuleEvent } from './events.ts';
import { evaluateAll, withoutAvailability } from './reference.ts';

const T0 = Date.UTC(2025, 10, 3, 13, 0, 0); // 08:00 in Bogotá
const S = 1000;
const M = 60_000;
const at = (ms: number, value: number): Sample => ({ ts: T0 + ms, value });
const closed = (events: RuleEvent[]) => events.flatMap((e) => (e.type === 'breachClosed' ? [e.breach] : []));
const types = (events: RuleEvent[]) =>
  events.map((e) =>
    e.type === 'stateChanged' ? `${e.to}@${(e.ts - T0) / 1000}s` : `${e.type}@${(e.ts - T0) / 1000}s`,
  );

const ph: RuleInput = {
  id: 'ph',
  sensor: 'plant.ph',
  kind: 'range',
  min: 6,
  max: 9,
  averaging: 'instant',
  pending: '5m',
  clear: '1m',
  severity: 'breach',
  expected_interval: '2m',
};

describe('pH 6–9, instant, pending 5 min, clear 1 min (readings every minute)', () => {
  it('a 4 min excursion is not a breach', () => {
    // 9.5 at 1,2,3,4 min and 7.0 at 5 min: out of bounds [1 min, 5 min) = 4 min < 5 min.
    const readings = [at(0, 7), ...[1, 2, 3, 4].map((m) => at(m * M, 9.5)), at(5 * M, 7), at(6 * M, 7)];
    const events = createEvaluator(ph).push(readings);
    expect(types(events)).toEqual(['ok@0s', 'pending@60s', 'ok@300s']);
    expect(evaluateAll(ph, readings)).toEqual([]);
  });

  it('a 6 min excursion is: start = first out-of-bounds reading, opened 5 min later', () => {
    // 9.5 at 1,2 min; 10 at 3 min; 9.5 at 4,5,6 min; 7 back at 7 min and after.
    // Out of bounds [1, 7) min = 6 min ≥ 5: opens at 1 + 5 = 6 min; clearing from 7 min,
    // 1 min later (8 min) it closes with end = 7 min.
    const values = [7, 9.5, 9.5, 10, 9.5, 9.5, 9.5, 7, 7, 7];
    const readings = values.map((v, m) => at(m * M, v));
    const events = createEvaluator(ph).push(readings);
    // The peak (10 at 3 min) came during pending, so no breachUpdated follows the opening.
    expect(types(events)).toEqual([
      'ok@0s',
      'pending@60s',
      'breach@360s',
      'breachOpened@360s',
      'clearing@420s',
      'breachClosed@480s',
      'ok@480s',
    ]);
    const [b] = closed(events);
    expect(b).toMatchObject({ id: `ph:${T0 + M}`, start: T0 + M, openedTs: T0 + 6 * M, end: T0 + 7 * M });
    expect(b).toMatchObject({ closedTs: T0 + 8 * M, closedBy: 'clear', durationMs: 6 * M, outOfBoundsMs: 6 * M });
    expect(b).toMatchObject({ peak: 10, peakTs: T0 + 3 * M, limit: 9 });
    // ∫|pH − 9| dt = 0.5 × 120 s (1–3 min) + 1.0 × 60 s (3–4 min) + 0.5 × 180 s (4–7 min) = 210 pH·s
    expect(b.exceedance).toBeCloseTo(210, 9);
    expect(evaluateAll(ph, readings)).toEqual([withoutAvailability(b)]);
    expect(b.availability).toBe(1);
  });

  it('below the range breaches against min, peak = lowest value', () => {
    const readings = [5.5, 5.5, 5.5, 5, 5.5, 5.5, 5.5, 7, 7].map((v, m) => at(m * M, v));
    const [b] = closed(createEvaluator(ph).push(readings));
    expect(b).toMatchObject({ start: T0, peak: 5, limit: 6, end: T0 + 7 * M });
  });
});

const ch4: RuleInput = {
  id: 'ch4',
  sensor: 'tunnel.ch4',
  kind: 'max',
  max: 1.0,
  averaging: 'instant',
  clear: '2m',
  severity: 'alarm',
  expected_interval: '30s',
};

describe('CH4 spike, instant max 1.0 %vol, no pending, clear 2 min', () => {
  it('opens at the spike and closes 2 min after the value is back', () => {
    // Every 10 s: 0.4, 0.5, 1.3 (20 s), then 0.6 … : breach [20 s, 30 s), closes at 30 + 120 = 150 s.
    const values = [0.4, 0.5, 1.3, ...Array(14).fill(0.6)];
    const events = createEvaluator(ch4).push(values.map((v, i) => at(i * 10 * S, v)));
    expect(types(events)).toEqual([
      'ok@0s',
      'pending@20s',
      'breach@20s',
      'breachOpened@20s',
      'clearing@30s',
      'breachClosed@150s',
      'ok@150s',
    ]);
    const [b] = closed(events);
    // exceedance: (1.3 − 1.0) %vol × 10 s = 3 %vol·s
    expect(b).toMatchObject({ start: T0 + 20 * S, end: T0 + 30 * S, peak: 1.3, durationMs: 10 * S });
    expect(b.exceedance).toBeCloseTo(3, 12);
  });

  it('a second spike while clearing keeps the same breach open and restarts the clear period', () => {
    // 1.3 at 20 s, 0.6 from 30 s, 1.1 at 60 s, 0.6 from 70 s: one breach, end 70 s, closed at 190 s.
    const values = [0.4, 0.5, 1.3, 0.6, 0.6, 0.6, 1.1, ...Array(14).fill(0.6)];
    const events = createEvaluator(ch4).push(values.map((v, i) => at(i * 10 * S, v)));
    const bs = closed(events);
    expect(bs).toHaveLength(1);
    expect(bs[0]).toMatchObject({ start: T0 + 20 * S, end: T0 + 70 * S, closedTs: T0 + 190 * S, peak: 1.3 });
    // out of bounds 10 s + 10 s; exceedance 0.3 × 10 + 0.1 × 10 = 4 %vol·s
    expect(bs[0].outOfBoundsMs).toBe(20 * S);
    expect(bs[0].exceedance).toBeCloseTo(4, 12);
  });
  it('a higher value while open updates the breach (peak 1.3 → 1.5)', () => {
    const events = createEvaluator(ch4).push([0.5, 1.3, 1.5, 1.2].map((v, i) => at(i * 10 * S, v)));
    const updated = events.filter((e) => e.type === 'breachUpdated');
    expect(updated.map((e) => (e.type === 'breachUpdated' ? e.breach.peak : 0))).toEqual([1.5]);
  });
});

describe('hysteresis', () => {
  const co: RuleInput = { ...ch4, id: 'co', max: 25, hysteresis: 2, clear: '0s' };
  it('to clear, the value must be 2 below the limit; 24 (inside, within the band) keeps the breach open', () => {
    // 24 → 26 (breach at 10 s) → 24 (≤ 25 but > 23: still breach) → 22.5 at 30 s: closes, end 30 s.
    const events = createEvaluator(co).push([24, 26, 24, 22.5, 22].map((v, i) => at(i * 10 * S, v)));
    const [b] = closed(events);
    expect(b).toMatchObject({ start: T0 + 10 * S, end: T0 + 30 * S, outOfBoundsMs: 10 * S });
    expect(types(events)).not.toContain('ok@20s');
  });
  it('a value inside the band does not start a breach', () => {
    expect(closed(createEvaluator(co).push([24, 24.5, 25, 24].map((v, i) => at(i * 10 * S, v))))).toEqual([]);
  });
});

describe('no data', () => {
  it('a silent sensor goes to no_data after its expected interval and closes the open breach', () => {
    // expected_interval 30 s; last reading 1.2 at 20 s → silent from 50 s (seen by the watermark).
    const ev = createEvaluator(ch4);
    ev.push([at(0, 0.5), at(10 * S, 0.5), at(20 * S, 1.2)]);
    expect(ev.advanceTo(T0 + 49 * S)).toEqual([]);
    const events = ev.advanceTo(T0 + 120 * S);
    expect(types(events)).toEqual(['breachClosed@50s', 'no_data@50s']);
    expect(closed(events)[0]).toMatchObject({ start: T0 + 20 * S, end: T0 + 50 * S, closedBy: 'no_data' });
    expect(ev.status().state).toBe('no_data');
    expect(types(ev.push([at(130 * S, 0.5)]))).toEqual(['ok@130s']);
  });
  it('a reading exactly one expected interval later is not a gap; bad readings are skipped', () => {
    const ev = createEvaluator(ch4);
    const events = ev.push([at(0, 0.5), { ...at(10 * S, 0.5), q: 'bad' }, at(30 * S, 0.5)]);
    expect(types(events)).toEqual(['ok@0s']);
  });
});

describe('restarts and late data', () => {
  const readings = [7, 9.5, 9.5, 10, 9.5, 9.5, 9.5, 9.5, 7, 7, 7].map((v, m) => at(m * M, v));

  it('an open breach survives snapshot → JSON → restore', () => {
    const a = createEvaluator(ph);
    a.push(readings.slice(0, 8));
    expect(a.status()).toMatchObject({ state: 'breach', breach: { start: T0 + M } });
    const b = createEvaluator(ph);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const [closedAfter] = closed(b.push(readings.slice(8)));
    expect(closedAfter).toEqual(closed(createEvaluator(ph).push(readings))[0]);
  });

  it('a late reading is reported, not applied; replay from a checkpoint gives the full answer', () => {
    const ev = createEvaluator(ph);
    ev.push(readings.slice(0, 3));
    const checkpoint = ev.snapshot(); // watermark = 2 min
    ev.push(readings.slice(4));
    const late = ev.push([readings[3]]);
    expect(late).toEqual([{ type: 'readingLate', rule: 'ph', ts: T0 + 3 * M, watermark: T0 + 10 * M }]);
    const impact = lateImpact(ph, T0 + 3 * M);
    expect(checkpoint.watermark!).toBeLessThan(impact.checkpointBefore);
    // instant: values change only at the late reading; timers within pending 5 + clear 1 + hold 2 min
    expect(impact).toEqual({ checkpointBefore: T0 + 3 * M, affectedFrom: T0 + 3 * M, valuesSettleBy: T0 + 11 * M });
    const replay = evaluateRange(ph, readings.slice(3), checkpoint);
    const full = evaluateAll(ph, readings);
    expect(replay.breaches.map(withoutAvailability)).toEqual(full);
    expect(full[0].peak).toBe(10);
  });

  it('a snapshot from other rule settings is refused', () => {
    const snap = createEvaluator(ph).snapshot();
    expect(() => createEvaluator({ ...ph, max: 9.5 }).restore(snap)).toThrow(/other settings/);
  });
});

describe('canSkip: which unread readings the replay may skip (pH 6–9, hold 2 min)', () => {
  const okAt = (ms: number) => {
    const ev = createEvaluator(ph);
    ev.push([at(ms, 7)]);
    return ev;
  };
  it('in bounds, first within the hold, gaps within the hold: yes', () => {
    expect(okAt(0).canSkip(6, 9, T0 + 2 * M + 1, 2 * M)).toBe(true);
  });
  it('a value beyond either limit, or an empty range: no', () => {
    expect(okAt(0).canSkip(5.9, 8, T0 + M, M)).toBe(false);
    expect(okAt(0).canSkip(7, 9.1, T0 + M, M)).toBe(false);
    expect(okAt(0).canSkip(8, 7, T0 + M, M)).toBe(false);
  });
  it('the first reading possibly past the hold, or a gap longer than it: no (that is no data)', () => {
    expect(okAt(0).canSkip(7, 8, T0 + 2 * M + 2, M)).toBe(false);
    expect(okAt(0).canSkip(7, 8, T0 + M, 2 * M + 1)).toBe(false);
  });
  it('not in state ok (no data yet, pending), or an averaged rule: no', () => {
    expect(createEvaluator(ph).canSkip(7, 8, T0 + M, M)).toBe(false);
    const pending = createEvaluator(ph);
    pending.push([at(0, 7), at(S, 9.5)]);
    expect(pending.canSkip(7, 8, T0 + 2 * S, M)).toBe(false);
    const rolling = createEvaluator({ ...ph, averaging: 'rolling:5m' });
    rolling.push([at(0, 7)]);
    expect(rolling.canSkip(7, 8, T0 + M, M)).toBe(false);
  });
  it('skipTo leaves what pushing the skipped readings leaves', () => {
    const pushed = okAt(0);
    pushed.push([at(M, 8), at(2 * M, 6.5), at(3 * M, 7.5)]);
    const skipped = okAt(0);
    expect(skipped.canSkip(6.5, 8, T0 + M + 1, M + 1)).toBe(true);
    skipped.skipTo(T0 + 3 * M, 7.5);
    expect(skipped.snapshot()).toEqual(pushed.snapshot());
    expect(() => skipped.skipTo(T0 + 3 * M, 7)).toThrow(/not after the watermark/);
  });
});
