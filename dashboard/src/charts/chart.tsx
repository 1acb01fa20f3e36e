/**
 * @module charts/chart — owns one uPlot instance: create, setData, resize, destroy.
 * Times are epoch ms end to end (`ms: 1`). Each layer (a sensor, or the primary sensor's
 * previous period, dashed) is a mean line; a sensor's min–max is a band between two thin
 * lines. Nulls are gaps and stay gaps (no `spanGaps`); `undefined` (another layer's x) is joined
 * over. Up to two y axes (left `y`, right `y2`). Dragging across the plot with a mouse calls
 * `onZoom` (a touch drag still scrolls the page). Marks `data-draw-ms`: the time from the data's
 * arrival to the end of the first draw (performance mark `vigia-chart-drawn`).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatSiteTime, formatTick, formatUnit, formatValue, type Lang, zoneName } from '../format.ts';
import { siteZone } from '../site-zone.ts';
import { type BreachSpan, limitLines } from './plugins/limit-lines.ts';
import { type ReadingMark, readingMarks } from './plugins/reading-marks.ts';
import type { AxisKey, Column } from './series-set.ts';

export type ChartLayer = {
  label: string;
  axis: AxisKey;
  color: string;
  /** The previous period: a dashed mean line, no band. */
  dashed?: boolean;
};

export type ChartProps = {
  xs: number[];
  /** Per layer: [min, mean, max] on `xs`. */
  columns: Column[][];
  layers: ChartLayer[];
  axes: { key: AxisKey; unit: string }[];
  /** The visible time window, epoch ms. */
  xMin: number;
  xMax: number;
  lang: Lang;
  labels: { time: string; min: string; max: string };
  /** Rule limits of the primary sensor, dashed lines on its axis (limit-lines plugin). */
  limits?: readonly number[];
  spans?: readonly BreachSpan[];
  marks?: readonly ReadingMark[];
  limitLabel?: (value: number) => string;
  /** A mouse drag across the plot selected [from, to). */
  onZoom?: (from: number, to: number) => void;
  /** `performance.now()` when the data arrived: the draw after it is timed from there. */
  arrivedAt?: number;
};

const NONE: readonly never[] = [];
const INK = '#111111';
const FONT = '14px system-ui, sans-serif';

function heightFor(width: number): number {
  return Math.round(Math.min(360, Math.max(220, width * 0.42)));
}

function alpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

function seriesOf(props: ChartProps, fmt: (u: uPlot, v: number | null) => string): uPlot.Series[] {
  const out: uPlot.Series[] = [];
  for (const l of props.layers) {
    const edge = { stroke: alpha(l.color, 0.55), width: 1, scale: l.axis, value: fmt };
    out.push({ ...edge, label: `${props.labels.min} ${l.label}`, show: !l.dashed });
    out.push({
      label: l.label,
      stroke: l.color,
      width: 2.5,
      scale: l.axis,
      value: fmt,
      dash: l.dashed ? [8, 6] : undefined,
    });
    out.push({ ...edge, label: `${props.labels.max} ${l.label}`, show: !l.dashed });
  }
  return out;
}

function options(props: ChartProps, width: number, latest: { current: ChartProps }): uPlot.Options {
  const { lang } = props;
  const fmt = (_u: uPlot, v: number | null) => (v == null ? '—' : formatValue(v, lang));
  // Times in the site's zone: ticks placed on its round hours (tzDate), labelled in it.
  const zone = siteZone();
  const clock = (ts: number) => formatSiteTime(ts, lang, zone, { style: 'clock' });
  const yAxis = (a: { key: AxisKey; unit: string }, side: number): uPlot.Axis => ({
    scale: a.key,
    side,
    stroke: INK,
    font: FONT,
    label: formatUnit(a.unit),
    labelFont: FONT,
    size: 64,
    grid: { show: side === 3, stroke: '#dddddd', width: 1 },
    ticks: { stroke: '#bbbbbb', width: 1 },
    values: (_u, splits, _axis, _space, incr) => splits.map((v) => formatTick(v, incr, lang)),
  });
  // Bands fill between a sensor's max (3k + 3) and min (3k + 1); the previous period has none.
  const bands = props.layers.flatMap((l, k) =>
    l.dashed ? [] : [{ series: [3 * k + 3, 3 * k + 1] as [number, number], fill: alpha(l.color, 0.14) }],
  );
  return {
    width,
    height: heightFor(width),
    ms: 1,
    scales: { x: { time: true } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts), zone),
    plugins: [
      limitLines({
        limits: () => latest.current.limits ?? NONE,
        spans: () => latest.current.spans ?? NONE,
        label: (v) => (latest.current.limitLabel ?? String)(v),
        scale: props.layers[0]?.axis ?? 'y',
      }),
      readingMarks(() => latest.current.marks ?? NONE),
    ],
    // A mouse drag selects a range to zoom into; the scale is left alone (the panel re-queries).
    cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 8 } },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    legend: { show: true, live: true },
    hooks: {
      setSelect: [
        (u) => {
          const { left, width: w } = u.select;
          if (w > 4) latest.current.onZoom?.(u.posToVal(left, 'x'), u.posToVal(left + w, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
    },
    series: [
      { label: `${props.labels.time} (${zoneName(zone, lang)})`, value: (_u, ts) => (ts == null ? '—' : clock(ts)) },
      ...seriesOf(props, fmt),
    ],
    bands,
    axes: [
      {
        stroke: INK,
        font: FONT,
        grid: { stroke: '#dddddd', width: 1 },
        ticks: { stroke: '#bbbbbb', width: 1 },
        values: (_u, splits) => splits.map(clock),
      },
      ...props.axes.map((a, i) => yAxis(a, i === 0 ? 3 : 1)),
    ],
  };
}

/** The breaks in a layer's line (null rows), for tests and for a glance at the DOM. */
function gapsOf(column: Column | undefined): number {
  let n = 0;
  for (const v of column ?? NONE) if (v === null) n++;
  return n;
}

/** When the draw of `props`' data is timed from: its arrival; not timed without data. */
function startOfTiming(props: ChartProps): number | null {
  if (props.xs.length === 0) return null;
  return props.arrivedAt || performance.now();
}

function dataOf(props: ChartProps): uPlot.AlignedData {
  return [props.xs, ...props.columns.flat()] as uPlot.AlignedData;
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  // Set when new data is handed to uPlot; the next draw ends the measurement.
  const timing = useRef<number | null>(null);

  const { lang } = props;
  // The layers' shape, axes and language are baked into the options: a change rebuilds.
  const shape = JSON.stringify([props.layers, props.axes, lang]);
  useEffect(() => {
    const el = box.current!;
    const p = latest.current;
    const opts = options(p, Math.max(200, el.clientWidth), latest);
    opts.hooks = {
      ...opts.hooks,
      draw: [
        (u) => {
          if (timing.current === null) return;
          const ms = performance.now() - timing.current;
          timing.current = null;
          performance.mark('vigia-chart-drawn');
          el.dataset.drawMs = ms.toFixed(1);
          el.dataset.drawnPoints = String(u.data[0].length);
        },
      ],
    };
    timing.current = startOfTiming(p);
    const u = new uPlot(opts, dataOf(p), el);
    u.setScale('x', { min: p.xMin, max: p.xMax });
    plot.current = u;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== u.width) u.setSize({ width, height: heightFor(width) });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  const first = useRef(true);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    // The rebuild above drew this data already.
    if (first.current) {
      first.current = false;
      return;
    }
    timing.current = startOfTiming(props);
    // Keep our window rather than uPlot's auto range; the y scales follow the visible data.
    u.batch(() => {
      u.setData(dataOf(props), false);
      u.setScale('x', { min: props.xMin, max: props.xMax });
    });
  }, [props.xs, props.columns, props.xMin, props.xMax, props.limits, props.spans, props.marks]);

  return (
    <div
      class="chart"
      ref={box}
      data-chart="uplot"
      data-points={props.xs.length}
      data-layers={props.layers.length}
      data-axes={props.axes.length}
      data-gaps={gapsOf(props.columns[0]?.[1])}
      data-from={Math.round(props.xMin)}
      data-to={Math.round(props.xMax)}
      data-limits={(props.limits ?? NONE).join(' ')}
      data-spans={(props.spans ?? NONE).length}
      data-marks={(props.marks ?? NONE).length}
      aria-hidden="true"
    />
  );
}
