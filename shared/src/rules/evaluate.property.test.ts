/**
 * The incremental evaluator against the brute-force reference on random streams: values on a
 * quarter grid around the limit (sums stay exact in binary, so both sides compare equal),
 * irregular timestamps with gaps, random pending/clear/hysteresis, readings fed in random
 * chunks with random watermarks and a snapshot/restore through JSON in between.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleInput } from './compile.ts';
import { createEvaluator, type EvaluatorOptions, type Sample } from './evaluate.ts';
import type { Breach } from './events.ts';
import { evaluateAll, type ReferenceBreach, withoutAvailability } from './reference.ts';

const T0 = Date.UTC(2025, 10, 1, 3, 0, 0);
const S = 1000;
const H = 3_600_000;

type Case = { rule: RuleInput; opts: EvaluatorOptions; readings: Sample[]; cuts: number[]; until: number };

const kindArb = fc.constantFrom<'max' | 'min' | 'range'>('max', 'min', 'range');
const limitsOf = (kind: 'max' | 'min' | 'range') =>
  kind === 'max' ? { max: 25 } : kind === 'min' ? { min: 19 } : { min: 19, max: 25 };

/** Quarter-grid values from 15 to 29 (limits 19 and 25). */
const anyValue = fc.integer({ min: 15 * 4, max: 29 * 4 });
/** Mostly within the limits, now and then beyond: long quiet stretches, as real sensors give. */
const mostlyInBounds = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 19 * 4, max: 25 * 4 }) },
  { weight: 1, arbitrary: anyValue },
);

function caseArb(
  averagingArb: fc.Arbitrary<string>,
  stepMs: number,
  unit?: string,
  valueArb = anyValue,
): fc.Arbitrary<Case> {
  return fc
    .record({
      kind: kindArb,
      averaging: averagingArb,
      pending: fc.integer({ min: 0, max: 8 }),
      clear: fc.integer({ min: 0, max: 8 }),
      hysteresis: fc.constantFrom(0, 0.5, 1),
      hold: fc.integer({ min: 2, max: 8 }),
      values: fc.array(valueArb, { minLength: 1, maxLength: 60 }),
      gaps: fc.array(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 })), {
        minLength: 60,
        maxLength: 60,
      }),
      cuts: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 }),
      extra: fc.integer({ min: 0, max: 12 }),
    })
    .map((g) => {
      let ts = T0;
      const readings = g.values.map((q, i) => {
        ts += g.gaps[i] * stepMs + (i % 3) * 7; // irregular: whole steps plus a few ms
        return { ts, value: q / 4 };
      });
      const rule: RuleInput = {
        id: 'r',
        sensor: 's',
        kind: g.kind,
        ...limitsOf(g.kind),
        averaging: g.averaging,
        pending: `${g.pending * stepMs}ms`,
        clear: `${g.clear * stepMs}ms`,
        hysteresis: g.hysteresis,
        severity: 'breach',
        expected_interval: `${g.hold * stepMs}ms`,
      };
      return { rule, opts: { unit }, readings, cuts: g.cuts, until: ts + g.extra * stepMs };
    });
}

/** Feeds `c.readings` in chunks cut at `c.cuts`, advancing the watermark and restarting between chunks. */
function incremental(c: Case): Breach[] {
  let ev = createEvaluator(c.rule, c.opts);
  const breaches: Breach[] = [];
  const collect = (events: ReturnType<typeof ev.push>) => {
    for (const e of events) {
      expect(e.type).not.toBe('readingLate');
      if (e.type === 'breachClosed') breaches.push(e.breach);
    }
  };
  const cuts = [...new Set(c.cuts.map((x) => Math.min(x, c.readings.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const [n, cut] of [...cuts, c.readings.length].entries()) {
    collect(ev.push(c.readings.slice(from, cut)));
    from = cut;
    const next = c.readings[cut]?.ts ?? c.until;
    const prev = c.readings[cut - 1]?.ts ?? T0;
    if (n % 2 === 0) collect(ev.advanceTo(prev + Math.floor((next - prev) / 2)));
    const snap = JSON.parse(JSON.stringify(ev.snapshot()));
    ev = createEvaluator(c.rule, c.opts);
    ev.restore(snap);
  }
  collect(ev.advanceTo(c.until));
  const st = ev.status();
  if (st.breach && st.state !== 'pending') breaches.push(st.breach);
  return breaches;
}

function expectSame(actual: Breach[], expected: ReferenceBreach[]): void {
  const strip = (b: ReferenceBreach) => ({ ...b, exceedance: 0 });
  expect(actual.map(withoutAvailability).map(strip)).toEqual(expected.map(strip));
  actual.forEach((b, i) => {
    expect(b.exceedance).toBeCloseTo(expected[i].exceedance, 6);
  });
}

function check(arb: fc.Arbitrary<Case>, runs = 300): void {
  fc.assert(
    fc.property(arb, (c) => {
      expectSame(incremental(c), evaluateAll(c.rule, c.readings, { ...c.opts, until: c.until }));
    }),
    { numRuns: runs },
  );
}

describe('incremental evaluator = brute-force reference (property)', () => {
  it('instant', () => check(caseArb(fc.constant('instant'), S)));
  it('rolling:<dur>', () =>
    check(
      caseArb(
        fc.integer({ min: 1, max: 30 }).map((n) => `rolling:${n}s`),
        S,
      ),
    ));
  it('twa:<dur>, gaps included', () =>
    check(
      caseArb(
        fc.integer({ min: 1, max: 30 }).map((n) => `twa:${n}s`),
        S,
      ),
    ));
  it('daily_mean', () => check(caseArb(fc.constant('daily_mean'), 2 * H), 150));
  it('daily_total of a rate (m3/h)', () => check(caseArb(fc.constant('daily_total'), 2 * H, 'm3/h'), 150));
  it('daily_total of an amount (kg)', () => check(caseArb(fc.constant('daily_total'), 2 * H, 'kg'), 100));

  it('pushColumns = push: same events and state, chunk by chunk (the replay bulk path)', () => {
    const averagings = fc.constantFrom('instant', 'rolling:10s', 'twa:20s', 'daily_mean');
    fc.assert(
      fc.property(caseArb(averagings, S), (c) => {
        const a = createEvaluator(c.rule, c.opts);
        const b = createEvaluator(c.rule, c.opts);
        const cuts = [...new Set(c.cuts.map((x) => Math.min(x, c.readings.length)))].sort((x, y) => x - y);
        let from = 0;
        for (const cut of [...cuts, c.readings.length]) {
          const chunk = c.readings.slice(from, cut);
          from = cut;
          const ts = Float64Array.from(chunk, (r) => r.ts);
          const values = Float64Array.from(chunk, (r) => r.value);
          expect(b.pushColumns(ts, values)).toEqual(a.push(chunk));
          expect(b.snapshot()).toEqual(a.snapshot());
        }
        expect(b.advanceTo(c.until)).toEqual(a.advanceTo(c.until));
        expect(b.status()).toEqual(a.status());
      }),
      { numRuns: 200 },
    );
  });

  it('canSkip/skipTo = push: a stretch the evaluator lets the replay skip changes nothing else', () => {
    const averagings = fc.constantFrom('instant', 'instant', 'rolling:10s', 'twa:20s');
    let skipped = 0;
    fc.assert(
      fc.property(
        caseArb(averagings, S, undefined, mostlyInBounds),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (c, picks) => {
          const a = createEvaluator(c.rule, c.opts); // pushes every reading
          const b = createEvaluator(c.rule, c.opts); // skips what it approves
          let i = 0;
          for (const pick of picks) {
            if (i >= c.readings.length) break;
            // Push a few readings, then offer the next few as one stretch (as the replay offers minutes).
            const pushTo = Math.min(c.readings.length, i + (pick % 4));
            const head = c.readings.slice(i, pushTo);
            expect(b.push(head)).toEqual(a.push(head));
            i = pushTo;
            const end = Math.min(c.readings.length, i + 1 + (Math.floor(pick / 4) % 8));
            const stretch = c.readings.slice(i, end);
            if (stretch.length === 0) break;
            const values = stretch.map((r) => r.value);
            let maxGap = 0;
            for (let k = 1; k < stretch.length; k++) maxGap = Math.max(maxGap, stretch[k].ts - stretch[k - 1].ts);
            // Bounds as the rollups give them: a minute's limits, not each reading's time.
            const firstBefore = stretch[0].ts + 1 + (pick % 3) * 500;
            const events = a.push(stretch);
            if (b.canSkip(Math.min(...values), Math.max(...values), firstBefore, maxGap + 1)) {
              skipped++;
              expect(events).toEqual([]);
              const last = stretch[stretch.length - 1];
              b.skipTo(last.ts, last.value);
            } else b.push(stretch);
            expect(b.snapshot()).toEqual(a.snapshot());
            i = end;
          }
          expect(b.advanceTo(c.until)).toEqual(a.advanceTo(c.until));
          expect(b.status()).toEqual(a.status());
        },
      ),
      { numRuns: 400 },
    );
    expect(skipped).toBeGreaterThan(10); // the property is not vacuous (about 50 of 400 runs skip)
  });

  it.each([
    ['instant', S],
    ['twa:20s', S],
    ['daily_mean', 2 * H],
  ] as const)('finds breaches at all with %s (the generator is not vacuous)', (averaging, step) => {
    let withBreach = 0;
    fc.assert(
      fc.property(caseArb(fc.constant(averaging), step), (c) => {
        if (evaluateAll(c.rule, c.readings, { until: c.until }).length > 0) withBreach++;
      }),
      { numRuns: 100 },
    );
    expect(withBreach).toBeGreaterThan(10);
  });
});
