import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketMsFor, type Reading, type SeriesBucket } from '@vigia/shared';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, planSegments } from '../segments.ts';
import { storeContract } from '../store.contract.ts';
import { openSqliteStore } from './sqlite-store.ts';

function tempFile(): { file: string; dispose(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-store-'));
  return { file: join(dir, 'readings.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

storeContract(
  'sqlite',
  async () => {
    const { file, dispose } = tempFile();
    return { store: openSqliteStore(file), dispose };
  },
  { minuteSummaries: true },
);

describe('sqlite store (its own behaviour)', () => {
  it('keeps readings across a reopen of the same file', async () => {
    const { file, dispose } = tempFile();
    const a = openSqliteStore(file);
    await a.write([{ sensor: 's', ts: 1_764_000_000_000, value: 1, q: 'good' }]);
    await a.close();
    const b = openSqliteStore(file);
    expect(await b.latest()).toEqual([{ sensor: 's', ts: 1_764_000_000_000, value: 1, q: 'good' }]);
    await b.close();
    await dispose();
  });

  it("reads one sensor's raw readings in [from, to), oldest first, with their quality", async () => {
    const { file, dispose } = tempFile();
    const store = openSqliteStore(file);
    const T = 1_764_000_000_000;
    await store.write([
      { sensor: 's', ts: T + 2000, value: 3, q: 'bad' },
      { sensor: 's', ts: T, value: 1, q: 'good' },
      { sensor: 't', ts: T + 1000, value: 9, q: 'good' },
      { sensor: 's', ts: T + 1000, value: 2, q: 'uncertain' },
    ]);
    expect(await store.readings!('s', T + 1000, T + 3000)).toEqual([
      { sensor: 's', ts: T + 1000, value: 2, q: 'uncertain' },
      { sensor: 's', ts: T + 2000, value: 3, q: 'bad' },
    ]);
    expect(await store.readings!('s', T, T + 1000)).toEqual([{ sensor: 's', ts: T, value: 1, q: 'good' }]);
    await store.close();
    await dispose();
  });

  it('readingColumns on reader threads equals the read in this thread, and sees later writes', async () => {
    const { file, dispose } = tempFile();
    const threaded = openSqliteStore(file, { readers: 2 });
    const here = openSqliteStore(file, { readers: 0 });
    const T = 1_764_000_000_000;
    const batch = (from: number) =>
      Array.from(
        { length: 5000 },
        (_, i): Reading => ({
          sensor: 's',
          ts: from + i * 1000,
          value: Math.sin(i) * 1e3,
          q: i % 97 === 0 ? 'bad' : 'good',
        }),
      );
    await threaded.write(batch(T));
    const ranges = [
      [T, T + 3_600_000],
      [T + 3_600_000, T + 7_200_000],
      [T - 1, T],
    ];
    // The first reads are served here while the threads start; later ones on the threads.
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(ranges.map(([a, b]) => threaded.readingColumns!('s', a, b)));
      const want = await Promise.all(ranges.map(([a, b]) => here.readingColumns!('s', a, b)));
      expect(got).toEqual(want);
      await new Promise((r) => setTimeout(r, 150));
    }
    await threaded.write(batch(T + 5_000_000));
    const late = await threaded.readingColumns!('s', T + 5_000_000, T + 5_002_000);
    expect([...late.ts]).toEqual([T + 5_001_000]); // the first one is bad
    await threaded.close();
    await here.close();
    await dispose();
  });
});

describe('sqlite store rollups', () => {
  const T = 1_764_000_000_000;
  const reading = (ts: number, value: number): Reading => ({ sensor: 'a', ts, value, q: 'good' });

  /** The brute-force answer: every stored (last-written) reading, bucketed from `from`. */
  function bruteForce(rows: ReadonlyMap<number, number>, from: number, to: number, bucketMs: number) {
    const buckets = new Map<number, number[]>();
    for (const [ts, value] of rows) {
      if (ts < from || ts >= to) continue;
      const b = Math.floor((ts - from) / bucketMs);
      buckets.set(b, [...(buckets.get(b) ?? []), value]);
    }
    return [...buckets.entries()]
      .sort(([x], [y]) => x - y)
      .map(([b, vs]) => ({
        ts: from + b * bucketMs,
        min: Math.min(...vs),
        mean: vs.reduce((s, v) => s + v, 0) / vs.length,
        max: Math.max(...vs),
        n: vs.length,
      }));
  }

  function expectSame(actual: SeriesBucket[], expected: SeriesBucket[]) {
    expect(actual.map(({ mean, ...rest }) => rest)).toEqual(expected.map(({ mean, ...rest }) => rest));
    actual.forEach((b, i) => {
      expect(Math.abs(b.mean - expected[i].mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[i].mean)));
    });
  }

  // Timestamps over three days, some dense (a few minutes at 1 Hz), values that get replaced.
  const span = 3 * 24 * HOUR_MS;
  const tsArb = fc.oneof(
    fc.integer({ min: -2 * HOUR_MS, max: span }),
    fc.integer({ min: 0, max: 600 }).map((s) => HOUR_MS - 300_000 + s * 1000),
  );
  const batchesArb = fc.array(
    fc.array(fc.record({ ts: tsArb, value: fc.integer({ min: -10_000, max: 10_000 }).map((v) => v / 8) }), {
      maxLength: 150,
    }),
    { minLength: 1, maxLength: 4 },
  );
  const queryArb = fc.record({
    from: fc.integer({ min: -HOUR_MS, max: span }),
    length: fc.integer({ min: 1000, max: span }),
    // Either what the route asks for (bucketMsFor) or any whole-second width from 1 s to 1 day.
    width: fc.oneof(
      fc.integer({ min: 1, max: 5000 }).map((points) => ({ points })),
      fc.integer({ min: 1, max: 86_400 }).map((s) => ({ bucketMs: s * 1000 })),
    ),
  });

  it('answers every query as a brute-force pass over the raw readings would (property)', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, fc.array(queryArb, { minLength: 1, maxLength: 5 }), async (batches, queries) => {
        const { file, dispose } = tempFile();
        const store = openSqliteStore(file);
        const raw = openSqliteStore(file, { queryFrom: 'raw' });
        try {
          const model = new Map<number, number>();
          for (const batch of batches) {
            // Sent as corrections: the last reading of a (sensor, ts) wins, as in the model.
            await store.write(batch.map((r) => ({ ...reading(T + r.ts, r.value), correction: true as const })));
            for (const r of batch) model.set(T + r.ts, r.value);
          }
          await store.write([{ sensor: 'b', ts: T, value: 1e6, q: 'good' }]);
          for (const q of queries) {
            const from = T + q.from;
            const to = from + q.length;
            const bucketMs = 'points' in q.width ? bucketMsFor(from, to, q.width.points) : q.width.bucketMs;
            const expected = bruteForce(model, from, to, bucketMs);
            expectSame(await store.query('a', from, to, bucketMs), expected);
            expectSame(await raw.query('a', from, to, bucketMs), expected);
          }
        } finally {
          await store.close();
          await raw.close();
          await dispose();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a correction to another value corrects min, max and mean of its minute and hour', async () => {
    const { file, dispose } = tempFile();
    const store = openSqliteStore(file);
    await store.write([reading(T, 100), reading(T + 1000, 1), reading(T + HOUR_MS / 2, 2)]);
    await store.write([{ ...reading(T, 3), correction: true }]);
    // One bucket of a whole day: answered from the hour rollup.
    expect(await store.query('a', T - (T % 86_400_000), T - (T % 86_400_000) + 86_400_000, 86_400_000)).toEqual([
      { ts: T - (T % 86_400_000), min: 1, mean: 2, max: 3, n: 3 },
    ]);
    await store.close();
    await dispose();
  });

  it('builds the rollups once for a file written before they existed', async () => {
    const { file, dispose } = tempFile();
    const old = new Database(file);
    old.exec(`CREATE TABLE readings (sensor TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
      q TEXT NOT NULL DEFAULT 'good', PRIMARY KEY (sensor, ts)) WITHOUT ROWID`);
    const insert = old.prepare("INSERT INTO readings VALUES ('a', ?, ?, 'good')");
    old.transaction(() => {
      for (let i = 0; i < 7200; i++) insert.run(T + i * 1000, i % 10);
    })();
    old.close();
    const store = openSqliteStore(file);
    const from = T - (T % HOUR_MS);
    expect(await store.query('a', from, from + 4 * HOUR_MS, 4 * HOUR_MS)).toEqual([
      { ts: from, min: 0, mean: 4.5, max: 9, n: 7200 },
    ]);
    await store.close();
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(1);
    expect(again.prepare('SELECT SUM(count) AS n FROM rollup_1h').get()).toEqual({ n: 7200 });
    again.close();
    await dispose();
  });
});

describe('planSegments', () => {
  it('covers [from, to) exactly, each segment inside one bucket and aligned to its level (property)', () => {
    const width: Record<string, number> = { raw: 1, minute: MINUTE_MS, hour: HOUR_MS };
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 2e12 }),
        fc.integer({ min: 1, max: 400 * 86_400_000 }),
        fc.integer({ min: 1, max: 2000 }),
        (from, length, points) => {
          const to = from + length;
          const bucketMs = bucketMsFor(from, to, points);
          let cursor = from;
          // Plain checks in the loop (thousands of segments); one expect names the first bad one.
          const bad = planSegments(from, to, bucketMs).find((s) => {
            const ok =
              s.start === cursor &&
              s.end > s.start &&
              Math.abs(s.start % width[s.level]) === 0 &&
              Math.abs(s.end % width[s.level]) === 0 &&
              s.start >= from + s.bucket * bucketMs &&
              s.end <= from + (s.bucket + 1) * bucketMs;
            cursor = s.end;
            return !ok;
          });
          expect(bad).toBeUndefined();
          expect(cursor).toBe(to);
        },
      ),
    );
  });
});
