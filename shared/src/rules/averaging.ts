/**
 * @module rules/averaging
 * Readings of one sensor → the averaged value a rule compares with its limit, evaluated at
 * each reading's timestamp (daily rules: once per completed calendar day).
 *
 * Invariants:
 * - Readings arrive in strictly increasing `ts`; no clock is read (time comes from readings
 *   and from the caller's watermark in `advance`).
 * - Hold model, shared by TWA, daily_total and the rule state machine: a reading's value holds
 *   from its `ts` until the next reading, but at most `holdMs` (the rule's `expected_interval`,
 *   else the caller's, else 15 min). Beyond that the sensor is silent: no value, "no data".
 * - `twa:<dur>` divides ∫value·dt over (t − dur, t] by the time covered by held values, not by
 *   the window, and reports coverage = covered / dur. A gap therefore neither counts as zero
 *   nor stretches the last value over it.
 * - A point's value is NaN when nothing covers its window (a TWA right after a gap).
 */
import type { AveragingSpec } from './compile.ts';
import { createDailyAverager } from './daily.ts';
import { TimeWindow, type WindowSnapshot } from './window.ts';

/** A reading's value holds at most this long when neither rule nor caller says otherwise. */
export const DEFAULT_EXPECTED_INTERVAL_MS = 15 * 60_000;

/** An averaged value: taken at `ts`, valid until `until` (then "no data" unless a newer point came). */
export type Point = { ts: number; value: number; until: number; coverage: number };
export type PointSink = (ts: number, value: number, until: number, coverage: number) => void;

export type AveragingOptions = {
  /** Longest time one reading stands for the quantity (ms). */
  holdMs: number;
  /** The sensor's unit; `daily_total` needs it to know the rate's time base (m3/h → hours). */
  unit?: string;
  /** IANA zone or fixed offset for calendar days; default America/Bogota (UTC−5, no DST). */
  timeZone?: string;
};

export type AveragerSnapshot = { kind: AveragingSpec['kind']; data: unknown };

/** Incremental averaging over one sensor's readings. */
export interface Averager {
  /** One reading; `ts` above every earlier one. Emits zero or more points. */
  push(ts: number, value: number, emit: PointSink): void;
  /** The caller promises no reading before `watermark` will come: completes daily periods. */
  advance(watermark: number, emit: PointSink): void;
  /** How far the state machine may advance for this watermark (daily: the last completed day). */
  settledTo(watermark: number): number;
  /**
   * The end of the calendar period holding `watermark` (daily: that day's end in the site's zone);
   * `advance` to it judges the period on what arrived (an empty one: its point is missing, so an
   * open breach ends as no data). `null` for averagers without periods (instant, rolling and
   * TWA emit at each reading). Callers judge a period by asking this, never by assuming the next
   * reading closes it.
   */
  periodEnd(watermark: number): number | null;
  snapshot(): AveragerSnapshot;
}

function instantAverager(holdMs: number): Averager {
  return {
    push: (ts, value, emit) => emit(ts, value, ts + holdMs, 1),
    advance: () => {},
    settledTo: (w) => w,
    periodEnd: () => null,
    snapshot: () => ({ kind: 'instant', data: null }),
  };
}

/** Arithmetic mean of the readings in (t − window, t]. */
function rollingAverager(windowMs: number, holdMs: number, snap?: WindowSnapshot): Averager {
  const win = snap ? TimeWindow.restore(snap) : new TimeWindow();
  return {
    push(ts, value, emit) {
      win.push(ts, ts, value);
      win.evictEndingBy(ts - windowMs);
      emit(ts, win.sum / win.size, ts + holdMs, 1);
    },
    advance: () => {},
    settledTo: (w) => w,
    periodEnd: () => null,
    snapshot: () => ({ kind: 'rolling', data: win.snapshot() }),
  };
}

type TwaData = { win: WindowSnapshot; lastTs: number | null; lastValue: number };

/** Time-weighted average over (t − window, t] of held values; see the module header. */
function twaAverager(windowMs: number, holdMs: number, snap?: TwaData): Averager {
  const win = snap ? TimeWindow.restore(snap.win) : new TimeWindow();
  let lastTs = snap ? snap.lastTs : null;
  let lastValue = snap ? snap.lastValue : 0;
  return {
    push(ts, value, emit) {
      if (lastTs !== null) {
        const end = Math.min(ts, lastTs + holdMs);
        if (end > lastTs) win.push(lastTs, end, lastValue);
      }
      lastTs = ts;
      lastValue = value;
      const from = ts - windowMs;
      win.evictEndingBy(from);
      let weighted = win.weighted;
      let span = win.span;
      if (win.size > 0 && win.firstStart() < from) {
        // The oldest segment straddles the window edge: count only its part inside.
        const cut = from - win.firstStart();
        weighted -= win.firstValue() * cut;
        span -= cut;
      }
      emit(ts, span > 0 ? weighted / span : Number.NaN, ts + holdMs, span / windowMs);
    },
    advance: () => {},
    settledTo: (w) => w,
    periodEnd: () => null,
    snapshot: () => ({ kind: 'twa', data: { win: win.snapshot(), lastTs, lastValue } satisfies TwaData }),
  };
}

/**
 * The averager for a rule's `averaging`, fresh or from a snapshot.
 * @example createAverager({ kind: 'twa', windowMs: 8 * 3_600_000 }, { holdMs: 60_000 })
 */
export function createAverager(spec: AveragingSpec, opts: AveragingOptions, snap?: AveragerSnapshot): Averager {
  if (snap && snap.kind !== spec.kind) throw new Error(`averager snapshot is ${snap.kind}, rule wants ${spec.kind}`);
  const data = snap?.data as never;
  switch (spec.kind) {
    case 'instant':
      return instantAverager(opts.holdMs);
    case 'rolling':
      return rollingAverager(spec.windowMs, opts.holdMs, data);
    case 'twa':
      return twaAverager(spec.windowMs, opts.holdMs, data);
    case 'daily_mean':
    case 'daily_total':
      return createDailyAverager(spec.kind, opts, data);
  }
}

/**
 * Every averaged point for readings in `ts` order, up to `watermark` (default: the last
 * reading). Batch form of `createAverager`.
 * @example averageSeries({ kind: 'rolling', windowMs: 900_000 }, readings, { holdMs: 60_000 })
 */
export function averageSeries(
  spec: AveragingSpec,
  readings: readonly { ts: number; value: number }[],
  opts: AveragingOptions,
  watermark?: number,
): Point[] {
  const out: Point[] = [];
  const emit: PointSink = (ts, value, until, coverage) => out.push({ ts, value, until, coverage });
  const avg = createAverager(spec, opts);
  for (const r of readings) avg.push(r.ts, r.value, emit);
  const last = readings.length ? readings[readings.length - 1].ts : Number.NEGATIVE_INFINITY;
  avg.advance(Math.max(watermark ?? last, last), emit);
  return out;
}
