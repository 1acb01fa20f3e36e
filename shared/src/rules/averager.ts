/**
 * @module rules/averager
 * The types every averager shares (the interface, its options, what it emits). Kept apart from
 * `averaging.ts`, which builds averagers, so `daily.ts` can implement the interface without an
 * import cycle back into the module that calls it.
 */
import type { AveragingSpec } from './compile.ts';

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
