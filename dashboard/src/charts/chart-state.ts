/**
 * @module charts/chart-state — pure: what a chart shows (its sensors, its time range, whether the
 * previous period is overlaid) and how that reads from and writes to the location hash, so a
 * link reproduces the chart: `#/live?sensors=plant.ph,plant.flow&range=24h&compare=1`, or with
 * a fixed range `…&from=1764000000000&to=1764086400000` (epoch ms, what a zoom or a breach link
 * sets). A preset range ends "now" and slides with it; a fixed range stays put.
 */

export const PRESETS = ['1h', '24h', '7d', '30d', '1y'] as const;
export type Preset = (typeof PRESETS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const PRESET_MS: Record<Preset, number> = {
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '1y': 365 * DAY,
};

/** A chart range: a preset ending now, or fixed bounds (epoch ms, from < to). */
export type ChartRange = { kind: 'preset'; preset: Preset } | { kind: 'fixed'; from: number; to: number };

export type ChartState = {
  /** The sensors drawn, first one primary (its limits, breaches and comparison); may be empty. */
  sensors: string[];
  range: ChartRange;
  /** Overlay the primary sensor over the previous period of the same length (dashed). */
  compare: boolean;
  /** Ranges zoomed out of, innermost last: "Alejar" returns to the last one. Not in the URL. */
  zoomStack: ChartRange[];
};

/** At most this many sensors on one chart: more lines than that are not readable on a phone. */
export const MAX_SENSORS = 4;
/** No zoom finer than a minute: the series answers 1 s buckets, a minute holds 60 of them. */
export const MIN_SPAN_MS = 60_000;
/** The API serves at most 366 days; a custom range is cut to that. */
export const MAX_SPAN_MS = 366 * DAY;

export const DEFAULT_STATE: ChartState = {
  sensors: [],
  range: { kind: 'preset', preset: '1h' },
  compare: false,
  zoomStack: [],
};

/** The [from, to) a range covers at `now`. */
export function rangeBounds(range: ChartRange, now: number): { from: number; to: number } {
  if (range.kind === 'fixed') return { from: range.from, to: range.to };
  return { from: now - PRESET_MS[range.preset], to: now };
}

/** The same length just before: what "compare with the previous period" overlays. */
export function previousPeriod(bounds: { from: number; to: number }): { from: number; to: number; shift: number } {
  const shift = bounds.to - bounds.from;
  return { from: bounds.from - shift, to: bounds.from, shift };
}

/** A fixed range from a drag selection, no narrower than MIN_SPAN_MS (widened about its middle). */
export function zoomTo(from: number, to: number): ChartRange {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  if (hi - lo >= MIN_SPAN_MS) return { kind: 'fixed', from: Math.round(lo), to: Math.round(hi) };
  const mid = (lo + hi) / 2;
  return { kind: 'fixed', from: Math.round(mid - MIN_SPAN_MS / 2), to: Math.round(mid + MIN_SPAN_MS / 2) };
}

/** Zooming in pushes the current range so "Alejar" can return to it. */
export function zoomIn(state: ChartState, from: number, to: number): ChartState {
  return { ...state, range: zoomTo(from, to), zoomStack: [...state.zoomStack, state.range] };
}

/**
 * Back out: the range zoomed from, or (when the chart was opened zoomed, from a link) a range
 * three times as wide around the current one, never past `now`.
 */
export function zoomOut(state: ChartState, now: number): ChartState {
  const last = state.zoomStack.at(-1);
  if (last) return { ...state, range: last, zoomStack: state.zoomStack.slice(0, -1) };
  const { from, to } = rangeBounds(state.range, now);
  const span = Math.min(MAX_SPAN_MS, 3 * (to - from));
  const end = Math.min(now, to + (to - from));
  return { ...state, range: { kind: 'fixed', from: end - span, to: end } };
}

/** A breach span padded by half its length each side (at least 15 min), for a breach's chart link. */
export function paddedSpan(start: number, end: number | null, now: number): { from: number; to: number } {
  const stop = end ?? now;
  const pad = Math.max(15 * 60_000, (stop - start) / 2);
  // Never past now (nothing to see there), never before the breach's own end.
  return { from: Math.round(start - pad), to: Math.round(Math.max(stop, Math.min(now, stop + pad))) };
}

/** The query part of a hash ("#/live?range=24h" → "range=24h"). */
function queryOf(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : hash.slice(at + 1));
}

const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** The chart state a hash names; anything missing or malformed falls back to the defaults. */
export function parseChartState(hash: string): ChartState {
  const q = queryOf(hash);
  const sensors = [
    ...new Set(
      (q.get('sensors') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => SENSOR_ID.test(s)),
    ),
  ].slice(0, MAX_SENSORS);
  const from = Number(q.get('from'));
  const to = Number(q.get('to'));
  const preset = q.get('range');
  let range: ChartRange = DEFAULT_STATE.range;
  if (q.has('from') && q.has('to') && Number.isSafeInteger(from) && Number.isSafeInteger(to) && to > from) {
    range = { kind: 'fixed', from, to: Math.min(to, from + MAX_SPAN_MS) };
  } else if ((PRESETS as readonly string[]).includes(preset ?? '')) {
    range = { kind: 'preset', preset: preset as Preset };
  }
  return { sensors, range, compare: q.get('compare') === '1', zoomStack: [] };
}

/** The hash for `state` on page `route` (the zoom history stays out of links). */
export function chartHash(route: string, state: Omit<ChartState, 'zoomStack'>): string {
  const q = new URLSearchParams();
  if (state.sensors.length > 0) q.set('sensors', state.sensors.join(','));
  if (state.range.kind === 'preset') q.set('range', state.range.preset);
  else {
    q.set('from', String(state.range.from));
    q.set('to', String(state.range.to));
  }
  if (state.compare) q.set('compare', '1');
  // Commas in sensor lists read better unescaped, and ids never hold one.
  return `#/${route}?${q.toString().replace(/%2C/g, ',')}`;
}

/** Whether new live readings belong on the chart: only while its range ends now. */
export function followsNow(range: ChartRange): boolean {
  return range.kind === 'preset';
}
