/**
 * @module rules/reference
 * The brute-force reference for property tests and audits: `evaluateAll` recomputes every
 * averaged value from scratch from all readings, lays the values out as a timeline and reads
 * breaches off it as runs. Quadratic and plain on purpose; never used on live data.
 */
import { type AveragingSpec, type CompiledRule, compiledRule, excessOf, isClear, type RuleInput } from './compile.ts';
import { rateBaseMs } from './daily.ts';
import { type EvaluatorOptions, holdMsFor, type Sample } from './evaluate.ts';
import type { Breach } from './events.ts';
import { dayClock } from './time-zone.ts';

type P = { ts: number; value: number; until: number };
type R = { ts: number; value: number };

function windowPoints(spec: AveragingSpec, rs: R[], hold: number): P[] {
  return rs.map((r, i) => {
    if (spec.kind === 'instant') return { ts: r.ts, value: r.value, until: r.ts + hold };
    const w = spec.kind === 'rolling' || spec.kind === 'twa' ? spec.windowMs : 0;
    const from = r.ts - w;
    if (spec.kind === 'rolling') {
      const inside = rs.filter((x) => x.ts > from && x.ts <= r.ts).map((x) => x.value);
      return { ts: r.ts, value: inside.reduce((a, b) => a + b, 0) / inside.length, until: r.ts + hold };
    }
    let weighted = 0;
    let covered = 0;
    for (let j = 0; j < i; j++) {
      const a = Math.max(rs[j].ts, from);
      const b = Math.min(rs[j + 1].ts, rs[j].ts + hold);
      if (b > a) {
        weighted += rs[j].value * (b - a);
        covered += b - a;
      }
    }
    return { ts: r.ts, value: covered > 0 ? weighted / covered : Number.NaN, until: r.ts + hold };
  });
}

function dailyPoints(spec: AveragingSpec, rs: R[], hold: number, watermark: number, opts: EvaluatorOptions): P[] {
  const dayOf = dayClock(opts.timeZone);
  const base = spec.kind === 'daily_total' ? rateBaseMs(opts.unit!) : undefined;
  const out: P[] = [];
  for (let d = rs.length ? dayOf(rs[0].ts) : null; d && d.end <= watermark; d = dayOf(d.end)) {
    const day = d;
    const inDay = rs.filter((r) => r.ts >= day.start && r.ts < day.end).map((r) => r.value);
    const sum = inDay.reduce((a, b) => a + b, 0);
    if (!base) {
      if (inDay.length)
        out.push({ ts: day.start, value: spec.kind === 'daily_mean' ? sum / inDay.length : sum, until: day.end });
      continue;
    }
    let integral = 0;
    let covered = 0;
    rs.forEach((r, j) => {
      const a = Math.max(r.ts, day.start);
      const b = Math.min(rs[j + 1]?.ts ?? watermark, r.ts + hold, watermark, day.end);
      if (b > a) {
        integral += r.value * (b - a);
        covered += b - a;
      }
    });
    if (inDay.length || covered > 0) out.push({ ts: day.start, value: integral / base, until: day.end });
  }
  return out;
}

type Piece = { from: number; to: number; value: number | null; point: boolean };

/** Points → contiguous pieces up to `horizon`; silence and NaN become `value: null`. */
function timeline(points: P[], horizon: number): Piece[] {
  const pieces: Piece[] = [];
  points.forEach((p, k) => {
    const next = k + 1 < points.length ? points[k + 1].ts : horizon;
    const value = Number.isNaN(p.value) ? null : p.value;
    pieces.push({ from: p.ts, to: value === null ? next : Math.min(p.until, next), value, point: true });
    if (value !== null && p.until < next) pieces.push({ from: p.until, to: next, value: null, point: false });
  });
  return pieces;
}

type Close = { end: number; closedTs: number; by: 'clear' | 'no_data'; next: number } | undefined;

/** From piece `k` on, the first clear run lasting `clear`, or the first silence. */
function findClose(rule: CompiledRule, pieces: Piece[], k: number): Close {
  let clearFrom: number | null = null;
  for (let j = k; j < pieces.length; j++) {
    const p = pieces[j];
    if (p.value === null) return { end: clearFrom ?? p.from, closedTs: p.from, by: 'no_data', next: j + 1 };
    if (!isClear(rule, p.value)) clearFrom = null;
    else {
      clearFrom ??= p.from;
      if (p.to - clearFrom >= rule.clearMs)
        return { end: clearFrom, closedTs: clearFrom + rule.clearMs, by: 'clear', next: j + 1 };
    }
  }
  return undefined;
}

function breachStats(rule: CompiledRule, pieces: Piece[], start: number, stop: number) {
  let peak = { value: Number.NaN, ts: 0, excess: 0 };
  let outMs = 0;
  let excessMs = 0;
  for (const p of pieces) {
    if (p.value === null) continue;
    const e = excessOf(rule, p.value);
    if (p.point && p.from >= start && p.from < stop && e > peak.excess)
      peak = { value: p.value, ts: p.from, excess: e };
    const overlap = Math.min(p.to, stop) - Math.max(p.from, start);
    if (e > 0 && overlap > 0) {
      outMs += overlap;
      excessMs += e * overlap;
    }
  }
  return { peak, outMs, excessMs };
}

/** The reference does not model data coverage: a breach without `availability` (tested on its own). */
export type ReferenceBreach = Omit<Breach, 'availability'>;
/** An evaluator's breach as the reference gives it (for comparisons). */
export const withoutAvailability = ({ availability: _a, ...b }: Breach): ReferenceBreach => b;

function breachesOf(rule: CompiledRule, pieces: Piece[], horizon: number): ReferenceBreach[] {
  const out: ReferenceBreach[] = [];
  for (let k = 0; k < pieces.length; ) {
    const v = pieces[k].value;
    if (v === null || excessOf(rule, v) === 0) {
      k++;
      continue;
    }
    let m = k;
    while (m + 1 < pieces.length && pieces[m + 1].value !== null && excessOf(rule, pieces[m + 1].value!) > 0) m++;
    if (pieces[m].to - pieces[k].from < rule.pendingMs) {
      k = m + 1;
      continue;
    }
    const start = pieces[k].from;
    const close = findClose(rule, pieces, m + 1);
    const stats = breachStats(rule, pieces, start, close ? close.end : Number.POSITIVE_INFINITY);
    const p = stats.peak.value;
    out.push({
      id: `${rule.id}:${start}`,
      rule: rule.id,
      sensor: rule.sensor,
      severity: rule.severity,
      start,
      openedTs: start + rule.pendingMs,
      end: close ? close.end : null,
      closedTs: close ? close.closedTs : null,
      closedBy: close ? close.by : null,
      durationMs: (close ? close.end : horizon) - start,
      peak: p,
      peakTs: stats.peak.ts,
      limit: p > rule.max ? rule.max : rule.min,
      outOfBoundsMs: stats.outMs,
      exceedance: stats.excessMs / 1000,
    });
    k = close ? close.next : pieces.length;
  }
  return out;
}

/**
 * Every breach of `rule` in `readings` (any order; duplicates keep the first), evaluated up
 * to `until` (default: the last reading). The meaning the incremental evaluator must match.
 */
export function evaluateAll(
  rule: RuleInput | CompiledRule,
  readings: readonly Sample[],
  opts: EvaluatorOptions & { until?: number } = {},
): ReferenceBreach[] {
  const r = compiledRule(rule);
  const hold = holdMsFor(r, opts);
  const usable = readings.filter((x) => x.q !== 'bad' && Number.isFinite(x.value));
  const sorted = [...usable].sort((a, b) => a.ts - b.ts).filter((x, i, a) => i === 0 || a[i - 1].ts !== x.ts);
  if (!sorted.length) return [];
  const watermark = Math.max(opts.until ?? -Infinity, sorted[sorted.length - 1].ts);
  const daily = r.averaging.kind === 'daily_mean' || r.averaging.kind === 'daily_total';
  const points = daily
    ? dailyPoints(r.averaging, sorted, hold, watermark, opts)
    : windowPoints(r.averaging, sorted, hold);
  const horizon = daily ? dayClock(opts.timeZone)(watermark).start : watermark;
  return breachesOf(r, timeline(points, horizon), horizon);
}
