/**
 * @module storage/store-reads.contract
 * The read methods of the `Store` contract the compliance replay and the reports use beyond
 * `query`/`latest`: `readings`, `readingColumns`, and `minuteSummaries` where the backend has it.
 * Called by `storeContract` (store.contract.ts); never collected on its own.
 */

import type { Reading } from '@vigia/shared';
import { expect, it } from 'vitest';
import type { Store } from './store.ts';

export const T0 = 1_764_000_000_000;
export const r = (sensor: string, ts: number, value: number, q: Reading['q'] = 'good'): Reading => ({
  sensor,
  ts,
  value,
  q,
});
/** The same reading sent as a correction. */
export const fix = (reading: Reading, reason?: string): Reading => ({
  ...reading,
  correction: true,
  ...(reason && { reason }),
});

/**
 * The methods a backend may leave out (store.ts); each one listed is proven here, each one left
 * out must be absent, so the declaration cannot drift from the backend.
 */
export type StoreOptionals = { minuteSummaries: boolean };

export function readContract(name: string, fresh: () => Promise<Store>, options: StoreOptionals): void {
  it('readingColumns: good and uncertain readings of [from, to) as columns, and the next ts (for replays)', async () => {
    const store = await fresh();
    await store.write([
      r('a', T0 - 1000, 1),
      r('a', T0, 2.5),
      r('a', T0 + 1000, 3, 'bad'),
      r('a', T0 + 2000, -0.1, 'uncertain'),
      r('a', T0 + 3000, 4, 'bad'),
      r('a', T0 + 9000, 5),
      r('b', T0 + 1500, 9),
    ]);
    const cols = await store.readingColumns('a', T0, T0 + 3000);
    expect([...cols.ts]).toEqual([T0, T0 + 2000]);
    expect([...cols.value]).toEqual([2.5, -0.1]);
    expect(cols.next).toBe(T0 + 3000); // any quality
    expect((await store.readingColumns('a', T0 + 4000, T0 + 4000)).next).toBe(T0 + 9000);
    const none = await store.readingColumns('a', T0 + 9001, T0 + 20_000);
    expect([none.ts.length, none.value.length, none.next]).toEqual([0, 0, null]);
    // A reading corrected to good over a stored bad one is good again, here too.
    await store.write([fix(r('a', T0 + 1000, 3.5))]);
    expect([...(await store.readingColumns('a', T0, T0 + 3000)).value]).toEqual([2.5, 3.5, -0.1]);
  });

  it('readings: every reading of [from, to), any quality, oldest first; corrections replace', async () => {
    const store = await fresh();
    await store.write([r('a', T0 + 2000, 3, 'bad'), r('a', T0, 1), r('a', T0 + 1000, 2, 'uncertain'), r('ab', T0, 9)]);
    await store.write([r('a', T0 + 3000, 4)]);
    expect(await store.readings('a', T0, T0 + 3000)).toEqual([
      r('a', T0, 1),
      r('a', T0 + 1000, 2, 'uncertain'),
      r('a', T0 + 2000, 3, 'bad'),
    ]);
    expect(await store.readings('a', T0 + 3001, T0 + 9000)).toEqual([]);
    expect(await store.readings('missing', T0, T0 + 9000)).toEqual([]);
    await store.write([fix(r('a', T0 + 2000, 3.5))]);
    expect(await store.readings('a', T0 + 2000, T0 + 2001)).toEqual([r('a', T0 + 2000, 3.5)]);
  });

  it(`minuteSummaries is ${options.minuteSummaries ? 'present' : 'absent'} as ${name} declares`, () =>
    fresh().then((store) =>
      expect(typeof store.minuteSummaries).toBe(options.minuteSummaries ? 'function' : 'undefined'),
    ));

  if (options.minuteSummaries) {
    it('minuteSummaries: per minute holding readings, its start, min, max (bad ones too) and a bad flag', async () => {
      const store = await fresh();
      const m0 = Math.floor(T0 / 60_000) * 60_000;
      await store.write([
        r('a', m0 + 1000, 5),
        r('a', m0 + 2000, -1, 'uncertain'),
        r('a', m0 + 120_000, 7),
        r('a', m0 + 121_000, 99, 'bad'),
        r('b', m0 + 60_000, 1),
      ]);
      const got = await store.minuteSummaries!('a', m0, m0 + 180_000);
      expect([...got.start]).toEqual([m0, m0 + 120_000]);
      expect([...got.min]).toEqual([-1, 7]);
      expect([...got.max]).toEqual([5, 99]);
      expect([...got.bad]).toEqual([0, 1]);
      expect((await store.minuteSummaries!('a', m0 + 60_000, m0 + 120_000)).start.length).toBe(0);
    });
  }
}
