/**
 * @module storage/store.contract
 * Every behaviour a `Store` promises (docs/design.md C6). Each backend's test calls
 * `storeContract` with its factory; this file is never collected on its own.
 */
import { type Reading, ReadingConflictError } from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeriesLabels, Store } from './store.ts';
import { fix, r, readContract, type StoreOptionals, T0 } from './store-reads.contract.ts';

/** A fresh, empty store and how to throw it away (delete its files, stop its server). */
export type StoreFixture = { store: Store; dispose(): Promise<void> };

/** The conflicts a write was refused with (fails the test when it was not refused so). */
async function refused(write: Promise<unknown>) {
  const err = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReadingConflictError);
  return (err as ReadingConflictError).conflicts;
}

export function storeContract(name: string, makeStore: () => Promise<StoreFixture>, options: StoreOptionals): void {
  describe(`Store contract: ${name}`, () => {
    let fixtures: StoreFixture[] = [];
    const fresh = async () => {
      const f = await makeStore();
      fixtures.push(f);
      return f.store;
    };
    afterEach(async () => {
      for (const f of fixtures) {
        await f.store.close();
        await f.dispose();
      }
      fixtures = [];
    });

    readContract(name, fresh, options);

    it('writing the same (sensor, ts) twice leaves one reading', async () => {
      const store = await fresh();
      const batch = [r('a', T0, 1), r('a', T0 + 1000, 2)];
      await store.write(batch);
      await store.write(batch);
      const buckets = await store.query('a', T0, T0 + 2000, 2000);
      expect(buckets).toEqual([{ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 }]);
    });

    it('a different value or quality at a stored (sensor, ts) is refused, every one named, nothing of the batch stored', async () => {
      const store = await fresh();
      await store.write([r('a', T0, 1), r('a', T0 + 1000, 2), r('b', T0, 3)]);
      const conflicts = await refused(
        store.write([
          r('c', T0, 9),
          r('a', T0, 1),
          r('a', T0 + 1000, 2, 'uncertain'),
          r('b', T0, 4),
          r('a', T0 + 5000, 5),
        ]),
      );
      expect(conflicts).toEqual([
        { index: 2, sensor: 'a', ts: T0 + 1000, stored: { value: 2, q: 'good' }, sent: { value: 2, q: 'uncertain' } },
        { index: 3, sensor: 'b', ts: T0, stored: { value: 3, q: 'good' }, sent: { value: 4, q: 'good' } },
      ]);
      expect(await store.latest(['a', 'b', 'c'])).toEqual([r('a', T0 + 1000, 2), r('b', T0, 3)]);
      expect((await store.query('a', T0, T0 + 10_000, 10_000))[0]).toEqual({ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 });
      expect(await store.revisions('a', T0, T0 + 10_000)).toEqual([]);
    });

    it('an older reading after appends is judged too: same value passes, a different one is refused', async () => {
      const store = await fresh();
      for (let k = 0; k < 3; k++)
        await store.write([r('a', T0 + k * 60_000, k), r('a', T0 + k * 60_000 + 1000, k + 0.5)]);
      await store.write([r('a', T0 + 60_000, 1), r('a', T0 + 200_000, 7)]); // a re-send and a new one
      await refused(store.write([r('a', T0 + 60_000, 1.25), r('a', T0 + 300_000, 8)]));
      expect(await store.latest(['a'])).toEqual([r('a', T0 + 200_000, 7)]);
    });

    it('a correction replaces the stored reading and keeps the old one as a revision', async () => {
      const store = await fresh();
      await store.write([r('a', T0, 9.2), r('a', T0 + 1000, 5, 'bad'), r('a', T0 + 2000, 6)]);
      const at = T0 + 3_600_000;
      const result = await store.write(
        [
          fix(r('a', T0, 7.2), 'probe recalibrated'),
          fix(r('a', T0 + 1000, 5)),
          r('a', T0 + 2000, 6),
          fix(r('a', T0 + 3000, 1)),
        ],
        undefined,
        { by: 'plant-01', at },
      );
      const expected = [
        {
          sensor: 'a',
          ts: T0,
          value: 9.2,
          q: 'good',
          new_value: 7.2,
          new_q: 'good',
          revised_at: at,
          by: 'plant-01',
          reason: 'probe recalibrated',
        },
        {
          sensor: 'a',
          ts: T0 + 1000,
          value: 5,
          q: 'bad',
          new_value: 5,
          new_q: 'good',
          revised_at: at,
          by: 'plant-01',
          reason: null,
        },
      ];
      // Unchanged (T0 + 2000) and new (T0 + 3000, a correction of nothing) readings make no revision.
      expect(result.revisions).toEqual(expected);
      expect(await store.revisions('a', T0, T0 + 10_000)).toEqual(expected);
      expect(await store.revisions('a', T0 + 1, T0 + 1000)).toEqual([]);
      expect(await store.revisions('b', T0, T0 + 10_000)).toEqual([]);
      expect(await store.query('a', T0, T0 + 4000, 4000)).toEqual([{ ts: T0, min: 1, mean: 19.2 / 4, max: 7.2, n: 4 }]);
      expect(await store.query('a', T0, T0 + 60_000, 60_000)).toEqual([
        { ts: T0, min: 1, mean: 19.2 / 4, max: 7.2, n: 4 },
      ]);
      expect([...(await store.readingColumns!('a', T0, T0 + 2000)).value]).toEqual([7.2, 5]);
    });

    it('a correction sent again changes nothing; a second correction adds a second revision', async () => {
      const store = await fresh();
      const id = `it's "q", a=b\\ñ`;
      await store.write([r(id, T0, 1)]);
      const once = fix(r(id, T0, 2), 'first "fix", with, commas = and \\ backslash');
      await store.write([once], undefined, { by: 'plant-01', at: T0 + 10 });
      expect((await store.write([once], undefined, { by: 'plant-01', at: T0 + 20 })).revisions).toEqual([]);
      await store.write([fix(r(id, T0, 3, 'uncertain'))], undefined, { by: 'plant-02', at: T0 + 30 });
      const revs = await store.revisions(id, T0, T0 + 1);
      expect(revs.map((v) => [v.value, v.q, v.new_value, v.new_q, v.revised_at, v.by, v.reason])).toEqual([
        [1, 'good', 2, 'good', T0 + 10, 'plant-01', once.reason],
        [2, 'good', 3, 'uncertain', T0 + 30, 'plant-02', null],
      ]);
      expect(await store.latest([id])).toEqual([r(id, T0, 3, 'uncertain')]);
    });
    it('a batch holding one invalid row is rejected whole', async () => {
      const store = await fresh();
      const bad = [r('a', T0, 1), r('a', T0 + 1000, Number.NaN), r('b', T0, 3)];
      await expect(store.write(bad)).rejects.toThrow(/readings\[1\]\.value/);
      const notWhole = [r('a', T0, 1), { sensor: 'a', ts: T0 + 0.5, value: 2, q: 'good' } as Reading];
      await expect(store.write(notWhole)).rejects.toThrow(/readings\[1\]\.ts/);
      await expect(store.write([r('a', T0, 1), r('', T0, 1)])).rejects.toThrow(/sensor/);
      expect(await store.latest()).toEqual([]);
    });

    it('an empty batch is fine', async () => {
      const store = await fresh();
      await store.write([]);
      expect(await store.latest()).toEqual([]);
    });

    it('buckets hold the right min, mean, max and count, and empty buckets are left out (gaps)', async () => {
      const store = await fresh();
      // Bucket 0: 1, 3, 8; bucket 1: empty; bucket 2: -2; bucket 3: 10, 20.
      await store.write([
        r('a', T0, 1),
        r('a', T0 + 10_000, 3),
        r('a', T0 + 59_999, 8),
        r('a', T0 + 120_000, -2),
        r('a', T0 + 180_000, 10),
        r('a', T0 + 239_999, 20),
        r('b', T0 + 60_000, 99),
      ]);
      const buckets = await store.query('a', T0, T0 + 240_000, 60_000);
      expect(buckets).toEqual([
        { ts: T0, min: 1, mean: 4, max: 8, n: 3 },
        { ts: T0 + 120_000, min: -2, mean: -2, max: -2, n: 1 },
        { ts: T0 + 180_000, min: 10, mean: 15, max: 20, n: 2 },
      ]);
    });

    it('a query covers [from, to): a reading at `to` is outside, one at `from` inside', async () => {
      const store = await fresh();
      await store.write([r('a', T0 - 1, 100), r('a', T0, 1), r('a', T0 + 5000, 2)]);
      const buckets = await store.query('a', T0, T0 + 5000, 1000);
      expect(buckets).toEqual([{ ts: T0, min: 1, mean: 1, max: 1, n: 1 }]);
    });

    it('buckets start at `from`, not at a round time', async () => {
      const store = await fresh();
      await store.write([r('a', T0 + 1500, 1), r('a', T0 + 2600, 2)]);
      const buckets = await store.query('a', T0 + 500, T0 + 10_000, 1000);
      expect(buckets.map((b) => b.ts)).toEqual([T0 + 1500, T0 + 2500]);
    });

    it('latest gives the newest reading per sensor, for a list or for all', async () => {
      const store = await fresh();
      await store.write([r('a', T0, 1), r('a', T0 + 2000, 2), r('b', T0 + 1000, 3, 'bad'), r('c', T0, 4)]);
      expect(await store.latest(['a', 'b', 'missing'])).toEqual([r('a', T0 + 2000, 2), r('b', T0 + 1000, 3, 'bad')]);
      const all = await store.latest();
      expect(all.sort((x, y) => x.sensor.localeCompare(y.sensor))).toEqual([
        r('a', T0 + 2000, 2),
        r('b', T0 + 1000, 3, 'bad'),
        r('c', T0, 4),
      ]);
    });

    it('ids with quotes, spaces, commas, equals, backslashes, newlines and non-ASCII survive', async () => {
      const store = await fresh();
      const ids = [`it's "q"`, 'a b', 'a,b', 'a=b', 'a\\b', 'line\nbreak', 'pH-ñandú-µS', "'; DROP TABLE readings; --"];
      await store.write(ids.map((id, i) => r(id, T0, i)));
      for (const [i, id] of ids.entries()) {
        expect(await store.query(id, T0, T0 + 1000, 1000)).toEqual([{ ts: T0, min: i, mean: i, max: i, n: 1 }]);
      }
      expect((await store.latest()).map((x) => x.sensor).sort()).toEqual([...ids].sort());
    });

    it('sensors do not leak into each other (prefixes are distinct ids)', async () => {
      const store = await fresh();
      await store.write([r('plant.ph', T0, 7), r('plant.ph2', T0, 100), r('plant.p', T0, 50)]);
      expect(await store.query('plant.ph', T0, T0 + 1000, 1000)).toEqual([{ ts: T0, min: 7, mean: 7, max: 7, n: 1 }]);
    });

    it('extreme but valid values and old timestamps round-trip', async () => {
      const store = await fresh();
      await store.write([r('a', 946_684_800_000, -1e300), r('a', T0, 1e300), r('a', T0 + 1, 0.1 + 0.2)]);
      expect(await store.latest(['a'])).toEqual([r('a', T0 + 1, 0.1 + 0.2)]);
      const [b] = await store.query('a', 946_684_800_000, 946_684_800_001, 1000);
      expect(b.min).toBe(-1e300);
    });

    it('a reading corrected to good over a stored uncertain one is good again (quality replaced, not merged)', async () => {
      const store = await fresh();
      await store.write([r('a', T0, 1, 'bad'), r('a', T0 + 1000, 2, 'uncertain')]);
      await store.write([fix(r('a', T0, 3)), fix(r('a', T0 + 1000, 4))]);
      expect(await store.latest(['a'])).toEqual([r('a', T0 + 1000, 4)]);
      await store.write([fix(r('a', T0 + 1000, 5, 'uncertain'))]);
      expect(await store.latest(['a'])).toEqual([r('a', T0 + 1000, 5, 'uncertain')]);
      expect(await store.query('a', T0, T0 + 2000, 2000)).toEqual([{ ts: T0, min: 3, mean: 4, max: 5, n: 2 }]);
    });

    it('within one batch a repeated (sensor, ts) must agree, or the later one must be a correction', async () => {
      const store = await fresh();
      expect(await refused(store.write([r('a', T0, 1), r('a', T0, 2), r('b', T0, 3), r('b', T0, 3)]))).toEqual([
        { index: 1, sensor: 'a', ts: T0, stored: { value: 1, q: 'good' }, sent: { value: 2, q: 'good' } },
      ]);
      expect(await store.latest()).toEqual([]);
      await store.write([r('a', T0, 1, 'bad'), fix(r('a', T0, 2)), r('b', T0, 3), r('b', T0, 3)]);
      expect(await store.latest(['a', 'b'])).toEqual([r('a', T0, 2), r('b', T0, 3)]);
      expect(await store.query('a', T0, T0 + 1000, 1000)).toEqual([{ ts: T0, min: 2, mean: 2, max: 2, n: 1 }]);
    });

    it('re-sending a batch with other labels (metadata changed) still leaves one reading per (sensor, ts)', async () => {
      const store = await fresh();
      const batch = [r('a', T0, 1), r('a', T0 + 1000, 2), r('b', T0, 3)];
      const first: SeriesLabels = { site: 'mobile-plant', device: 'plant-01', quantity: 'ph', unit: 'pH' };
      const later: SeriesLabels = { site: 'other-site', device: 'plant-02', quantity: 'temperature', unit: 'degC' };
      await store.write(batch, new Map([['a', first]]));
      await store.write(
        batch,
        new Map([
          ['a', later],
          ['b', later],
        ]),
      );
      await store.write(batch);
      // Two writers racing on a new sensor with different labels.
      await Promise.all([
        store.write([r('c', T0, 7)], new Map([['c', first]])),
        store.write([r('c', T0, 7)], new Map([['c', later]])),
      ]);
      expect(await store.query('a', T0, T0 + 2000, 2000)).toEqual([{ ts: T0, min: 1, mean: 1.5, max: 2, n: 2 }]);
      expect(await store.query('c', T0, T0 + 1000, 1000)).toEqual([{ ts: T0, min: 7, mean: 7, max: 7, n: 1 }]);
      const all = await store.latest();
      expect(all.sort((x, y) => x.sensor.localeCompare(y.sensor))).toEqual([
        r('a', T0 + 1000, 2),
        r('b', T0, 3),
        r('c', T0, 7),
      ]);
    });

    it('ids and labels needing line-protocol care survive: trailing backslash, escapes, percent, CR, tab, emoji', async () => {
      const store = await fresh();
      const ids = [
        'ends\\',
        'a\\,b',
        'a\\ b',
        '%41%25',
        '%0A',
        'cr\rlf',
        'tab\tx',
        ' lead',
        'trail ',
        '=',
        ',',
        '"',
        'volcán 🌋',
      ];
      const labels = new Map<string, SeriesLabels>(
        ids.map((id) => [id, { site: 'a b,c', device: 'd=\\"\n', quantity: "it's", unit: '%vol' }]),
      );
      await store.write(
        ids.map((id, i) => r(id, T0, i, i % 2 ? 'uncertain' : 'good')),
        labels,
      );
      for (const [i, id] of ids.entries()) {
        expect(await store.query(id, T0, T0 + 1000, 1000)).toEqual([{ ts: T0, min: i, mean: i, max: i, n: 1 }]);
      }
      const latest = await store.latest(ids);
      expect(latest).toEqual(ids.map((id, i) => r(id, T0, i, i % 2 ? 'uncertain' : 'good')));
    });

    it('a batch of 50,000 readings over 500 sensors is stored whole', async () => {
      const store = await fresh();
      const sensors = Array.from({ length: 500 }, (_, i) => `s${String(i).padStart(3, '0')}`);
      const batch: Reading[] = [];
      for (let t = 0; t < 100; t++) {
        for (const [i, s] of sensors.entries())
          batch.push(r(s, T0 + t * 1000, i + t, t === 99 && i % 7 === 0 ? 'bad' : 'good'));
      }
      const labels = new Map(sensors.map((s) => [s, { site: 'mobile-plant', device: 'plant-01', unit: 'pH' }]));
      await store.write(batch, labels);
      expect(await store.query('s000', T0, T0 + 100_000, 100_000)).toEqual([
        { ts: T0, min: 0, mean: 49.5, max: 99, n: 100 },
      ]);
      expect(await store.query('s499', T0 + 50_000, T0 + 100_000, 10_000)).toHaveLength(5);
      const latest = await store.latest();
      expect(latest).toHaveLength(500);
      expect(latest.find((x) => x.sensor === 's007')).toEqual(r('s007', T0 + 99_000, 106, 'bad'));
      expect(await store.latest(sensors)).toEqual(
        sensors.map((s, i) => r(s, T0 + 99_000, i + 99, i % 7 === 0 ? 'bad' : 'good')),
      );
    });

    it('an empty batch with labels is fine, and latest of no sensors is empty', async () => {
      const store = await fresh();
      await store.write([], new Map([['a', { site: 's', device: 'd' }]]));
      await store.write([r('a', T0, 1)]);
      expect(await store.latest([])).toEqual([]);
    });

    it('latest sees a reading stamped ahead of the clock (ingest allows up to a day)', async () => {
      const store = await fresh();
      const ahead = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
      await store.write([r('a', T0, 1), r('a', ahead, 2)]);
      expect(await store.latest(['a'])).toEqual([r('a', ahead, 2)]);
    });

    it('close twice is fine, and a write after close is rejected; status says ok after a write, stopped after close', async () => {
      const store = await fresh();
      await store.write([r('a', T0, 1)]);
      expect(store.status().state).toBe('ok');
      await store.close();
      expect(store.status()).toEqual({ state: 'stopped', detail: expect.any(String) });
      await store.close();
      await expect(store.write([r('a', T0, 1)])).rejects.toThrow(/closed/);
      await expect(store.query('a', T0, T0 + 1, 1000)).rejects.toThrow(/closed/);
    });
  });
}
