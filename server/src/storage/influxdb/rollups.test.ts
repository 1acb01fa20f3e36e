import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorTo, HOUR_MS, MINUTE_MS } from '../segments.ts';
import { appendRollups, batchRollups, type RollupPoints, type Tail } from './rollups.ts';

type R = { sensor: string; ts: number; value: number };

/** What a store holding `earlier` knows: the stored readings and minute rollups, and the tails. */
function storedState(earlier: readonly R[]) {
  const { minutes, hours } = batchRollups(earlier, new Map(), new Map());
  const stored = new Map<string, Map<number, number>>();
  for (const r of earlier) stored.set(r.sensor, (stored.get(r.sensor) ?? new Map()).set(r.ts, r.value));
  const tails = new Map<string, Tail>();
  for (const [sensor, values] of stored) {
    const ts = Math.max(...values.keys());
    const m = floorTo(ts, MINUTE_MS);
    const h = floorTo(ts, HOUR_MS);
    const minute = minutes.get(sensor)?.get(m);
    const hour = hours.get(sensor)?.get(h);
    if (!minute || !hour) throw new Error('the newest reading has a minute and an hour');
    tails.set(sensor, { ts, minute: [m, { ...minute }], hour: [h, { ...hour }] });
  }
  return { stored, storedMinutes: minutes as RollupPoints, tails };
}

const sensors = fc.constantFrom('a', 'b', 'c');
/**
 * Readings of one sensor at increasing times, steps from 1 ms to 40 min (crossing minutes and
 * hours). Whole values, so sums are exact whatever order they are added in.
 */
const run = (sensor: string, from: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 40 * MINUTE_MS }), fc.integer({ min: -1e6, max: 1e6 })), {
      minLength: 1,
      maxLength: 40,
    })
    .map((steps) => {
      let ts = from;
      return steps.map(([dt, value]) => {
        ts += dt;
        return { sensor, ts, value };
      });
    });

describe('appendRollups (the fast path of an appending batch)', () => {
  it('equals batchRollups over what is stored, for any batch that only appends', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(sensors, { minLength: 1 }).chain((names) =>
          fc.tuple(
            // Each sensor's batch continues where its stored readings end (often in the same
            // minute and hour); sensor "new" has nothing stored.
            fc
              .tuple(...names.map((s) => run(s, 1_764_000_000_000)))
              .chain((earlierRuns) =>
                fc.tuple(
                  fc.constant(earlierRuns),
                  fc.tuple(
                    ...earlierRuns.map((r) => run(r[0].sensor, r[r.length - 1].ts)),
                    run('new', 1_764_000_000_000),
                  ),
                ),
              ),
            fc.nat(),
          ),
        ),
        ([[earlierRuns, laterRuns], seed]) => {
          const earlier = earlierRuns.flat();
          // Interleave the sensors' appended readings, each sensor staying in order.
          const queues = laterRuns.map((r) => [...r]);
          const later: R[] = [];
          for (let pick = seed; queues.some((q) => q.length > 0); pick = (pick * 1_103_515_245 + 12_345) >>> 0) {
            const q = queues.filter((x) => x.length > 0)[pick % queues.filter((x) => x.length > 0).length];
            later.push(q.shift() as R);
          }
          const { stored, storedMinutes, tails } = storedState(earlier);
          const fast = appendRollups(later, tails);
          expect(fast).toEqual(batchRollups(later, stored, storedMinutes));
        },
      ),
    );
  });

  it('declines (undefined) a batch with a reading not newer than the stored tail or its own sensor’s earlier one', () => {
    const t = 1_764_000_000_000;
    const { tails } = storedState([{ sensor: 'a', ts: t, value: 1 }]);
    expect(appendRollups([{ sensor: 'a', ts: t, value: 2 }], tails)).toBeUndefined();
    const out = [
      { sensor: 'a', ts: t + 2000, value: 1 },
      { sensor: 'a', ts: t + 1000, value: 2 },
    ];
    expect(appendRollups(out, tails)).toBeUndefined();
    expect(appendRollups([{ sensor: 'b', ts: t, value: 1 }], new Map([['b', { ts: t - 1 }]]))).toBeUndefined();
  });
});
