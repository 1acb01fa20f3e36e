/**
 * @module storage/store
 * The time-series store every backend implements (docs/design.md C6): SQLite now, InfluxDB later.
 * Invariants every backend keeps, proven by `store.contract.ts`:
 * - the identity of a reading is (sensor, ts), and a stored reading is evidence: writing the
 *   same (sensor, ts, value, q) again changes nothing; a different value or quality is refused
 *   (ReadingConflictError, listing every such reading, nothing of the batch stored) unless the
 *   reading says `correction: true`: then it replaces the stored one, and the stored one is kept
 *   as a `Revision` in the same write. The same holds between two readings of one batch;
 * - `write` stores the whole batch or nothing, and rejects a batch holding an invalid row;
 * - after `close`, `write` rejects (a TransientError: the caller may retry elsewhere).
 * This file is the core: it imports no backend.
 */
import {
  InputError,
  type Quality,
  Quality as QualitySchema,
  type Reading,
  type ReadingConflict,
  type SeriesBucket,
} from '@vigia/shared';

/** Extra labels a backend may keep with a series (InfluxDB tags); SQLite ignores them. */
export type SeriesLabels = { site: string; device: string; quantity?: string; unit?: string };

/**
 * A time-series store.
 * @example
 * await store.write([{ sensor: 'plant.ph', ts: 1764000000000, value: 7.1, q: 'good' }]);
 * const buckets = await store.query('plant.ph', from, to, 60_000);
 */
export interface Store {
  /**
   * Store every reading or none; idempotent on (sensor, ts, value, q). `labels` maps sensor id to
   * its labels; `options` says who writes and when, kept with any revision. Rejects with a
   * ReadingConflictError when a reading differs from the stored one and is not a correction;
   * resolves with the revisions the corrections made (empty for a plain batch).
   */
  write(
    readings: readonly Reading[],
    labels?: ReadonlyMap<string, SeriesLabels>,
    options?: WriteOptions,
  ): Promise<WriteResult>;
  /** The revisions of one sensor's readings with ts in [from, to), by ts, then oldest revision first. */
  revisions(sensor: string, from: number, to: number): Promise<Revision[]>;
  /** Buckets of `bucketMs` starting at `from`, over [from, to); empty buckets are left out. */
  query(sensor: string, from: number, to: number, bucketMs: number): Promise<SeriesBucket[]>;
  /** The raw readings of one sensor in [from, to), every quality, oldest first (reports read `bad` ones from it). */
  readings(sensor: string, from: number, to: number): Promise<Reading[]>;
  /**
   * Bulk form of `readings` for the compliance replay, which reads millions of rows: the
   * readings of one sensor in [from, to) as columns, oldest first, leaving out `bad` ones (no
   * rule uses them), and `next`, the ts of the first reading at or after `to` (any quality), so
   * a caller reading interval by interval skips empty ones.
   * @example
   * const { ts, value, next } = await store.readingColumns('plant.ph', from, from + 3_600_000);
   */
  readingColumns(sensor: string, from: number, to: number): Promise<ReadingColumns>;
  /**
   * The minutes of one sensor overlapping [from, to) that hold readings (the first and last may
   * reach past the range), from the minute rollups, oldest first: each one's start, min and max
   * value (over all its readings, `bad` ones too), and whether a `bad` reading is among them.
   * Optional (SQLite has it, InfluxDB not yet): with it the compliance replay skips minutes a rule
   * cannot react to instead of reading them (compliance/quiet-minutes.ts), and reports use rollups.
   */
  minuteSummaries?(sensor: string, from: number, to: number): Promise<MinuteSummaries>;
  /** The newest reading of each sensor (of `sensors`, or of all); sensors without data are absent. */
  latest(sensors?: readonly string[]): Promise<Reading[]>;
  /** Release the backend; calling it twice is fine. */
  close(): Promise<void>;
  /** Reachability of an external engine (InfluxDB); an embedded store is `ok` until closed, then `stopped`. */
  status(): StoreStatus;
}

/** Who writes (a device id) and when (server ms); kept with each revision. */
export type WriteOptions = { by?: string; at?: number };

/**
 * A stored reading a correction replaced: the old `value`/`q`, the new ones, when, by whom, why.
 * @example { sensor: 'plant.ph', ts, value: 9.2, q: 'good', new_value: 7.2, new_q: 'good',
 *            revised_at, by: 'plant-01', reason: 'probe recalibrated' }
 */
export type Revision = {
  sensor: string;
  ts: number;
  value: number;
  q: Quality;
  new_value: number;
  new_q: Quality;
  revised_at: number;
  by: string;
  reason: string | null;
};

export type WriteResult = { revisions: Revision[] };

/** Minute `i` starts at `start[i]`; its readings lie in [min[i], max[i]]; `bad[i]` is 1 when one is `bad`. */
export type MinuteSummaries = { start: Float64Array; min: Float64Array; max: Float64Array; bad: Uint8Array };

/** `ts[i]`, `value[i]`: one reading; `next`: the first reading's ts at or after the range end, or null. */
export type ReadingColumns = { ts: Float64Array; value: Float64Array; next: number | null };

/** What `GET /health` shows about the store (docs/design.md C5 states). */
export type StoreStatus = { state: 'starting' | 'ok' | 'retrying' | 'failed' | 'stopped'; detail: string };

const QUALITIES: readonly Quality[] = QualitySchema.options;

/**
 * Reject a batch holding a row no backend can store faithfully, naming the first bad one.
 * Routes validate with the shared schemas first; this guards every other caller.
 */
export function checkReadings(readings: readonly Reading[]): void {
  // A plain loop with no closure per reading: this runs on every stored reading.
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i];
    let problem: [field: string, why: string] | undefined;
    if (typeof r.sensor !== 'string' || r.sensor.length === 0) problem = ['sensor', 'must be a non-empty string'];
    else if (!Number.isSafeInteger(r.ts)) problem = ['ts', 'must be whole epoch milliseconds'];
    else if (typeof r.value !== 'number' || !Number.isFinite(r.value)) problem = ['value', 'must be a finite number'];
    else if (!QUALITIES.includes(r.q)) problem = ['q', `must be one of ${QUALITIES.join(', ')}`];
    if (problem) {
      const [field, why] = problem;
      throw new InputError('reading_invalid', `readings[${i}].${field} ${why}`, `readings[${i}].${field}`, 422);
    }
  }
}

/**
 * Decide one reading against what is stored (or came earlier in the batch) at its (sensor, ts):
 * `new` (nothing there), `same` (nothing to do), `revise` (a correction of a different value) or
 * `conflict`. One rule for every backend.
 */
export function judgeReading(
  r: Reading,
  prior: { value: number; q: Quality } | undefined,
): 'new' | 'same' | 'revise' | 'conflict' {
  if (!prior) return 'new';
  if (prior.value === r.value && prior.q === r.q) return 'same';
  return r.correction === true ? 'revise' : 'conflict';
}

/** The conflict entry for readings[index] against the stored reading. */
export function conflictOf(index: number, r: Reading, prior: { value: number; q: Quality }): ReadingConflict {
  return {
    index,
    sensor: r.sensor,
    ts: r.ts,
    stored: { value: prior.value, q: prior.q },
    sent: { value: r.value, q: r.q },
  };
}

/** The revision a correction makes of the stored reading. */
export function revisionOf(r: Reading, prior: { value: number; q: Quality }, options: WriteOptions): Revision {
  return {
    sensor: r.sensor,
    ts: r.ts,
    value: prior.value,
    q: prior.q,
    new_value: r.value,
    new_q: r.q,
    revised_at: options.at ?? Date.now(),
    by: options.by ?? '',
    reason: r.reason ?? null,
  };
}
