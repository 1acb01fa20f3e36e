/**
 * @module charts/chart — owns one uPlot instance: create, setData, resize, destroy.
 * Times are epoch ms end to end (`ms: 1`). The mean is the line; min–max is a band between
 * two thin lines. Nulls in the data are gaps and stay gaps (no `spanGaps`).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatSiteTime, formatTick, formatUnit, formatValue, type Lang, zoneName } from '../format.ts';
import { siteZone } from '../site-zone.ts';
import type { SeriesColumns } from './buckets.ts';
import { type BreachSpan, limitLines } from './plugins/limit-lines.ts';

export type ChartProps = {
  data: SeriesColumns;
  /** The visible time window, epoch ms. */
  xMin: number;
  xMax: number;
  unit: string;
  lang: Lang;
  labels: { time: string; mean: string; min: string; max: string };
  /** Rule limits drawn as dashed lines (limit-lines plugin). */
  limits?: readonly number[];
  /** Breach spans shaded behind the series. */
  spans?: readonly BreachSpan[];
  /** The text by each limit line. */
  limitLabel?: (value: number) => string;
};

const NONE: readonly never[] = [];

const INK = '#111111';
const MEAN = '#0a4fc4';
const EDGE = '#6a7a8c';
const BAND = 'rgba(10, 79, 196, 0.16)';
const FONT = '14px system-ui, sans-serif';

function heightFor(width: number): number {
  return Math.round(Math.min(360, Math.max(220, width * 0.42)));
}

function options(props: ChartProps, width: number, latest: { current: ChartProps }): uPlot.Options {
  const { lang, unit, labels } = props;
  const fmt = (_u: uPlot, v: number | null) => (v == null ? '—' : formatValue(v, lang));
  // Times in the site's zone: ticks placed on its round hours (tzDate), labelled in it.
  const zone = siteZone();
  const clock = (ts: number) => formatSiteTime(ts, lang, zone, { style: 'clock' });
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
      }),
    ],
    // No drag-zoom: on a phone a drag must scroll the page.
    cursor: { drag: { x: false, y: false }, points: { size: 8 } },
    legend: { show: true, live: true },
    series: [
      { label: `${labels.time} (${zoneName(zone, lang)})`, value: (_u, ts) => (ts == null ? '—' : clock(ts)) },
      { label: labels.min, stroke: EDGE, width: 1, value: fmt },
      { label: labels.mean, stroke: MEAN, width: 2.5, value: fmt },
      { label: labels.max, stroke: EDGE, width: 1, value: fmt },
    ],
    // Fill between max (3) and min (1).
    bands: [{ series: [3, 1], fill: BAND }],
    axes: [
      {
        stroke: INK,
        font: FONT,
        grid: { stroke: '#dddddd', width: 1 },
        ticks: { stroke: '#bbbbbb', width: 1 },
        values: (_u, splits) => splits.map(clock),
      },
      {
        stroke: INK,
        font: FONT,
        label: formatUnit(unit),
        labelFont: FONT,
        size: 64,
        grid: { stroke: '#dddddd', width: 1 },
        ticks: { stroke: '#bbbbbb', width: 1 },
        values: (_u, splits, _axis, _space, incr) => splits.map((v) => formatTick(v, incr, lang)),
      },
    ],
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;

  const { lang, unit } = props;
  // Labels and number formats are baked into the options: a language or unit change rebuilds
  // (the labels change only with the language).
  useEffect(() => {
    const el = box.current!;
    const p = latest.current;
    const u = new uPlot(options(p, Math.max(200, el.clientWidth), latest), p.data as uPlot.AlignedData, el);
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
  }, [lang, unit]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    // Keep our window rather than uPlot's auto range; the y scale follows the visible data.
    u.batch(() => {
      u.setData(props.data as uPlot.AlignedData, false);
      u.setScale('x', { min: props.xMin, max: props.xMax });
    });
    // New limits or spans: setting the x scale again re-ranges y (limits in view) and redraws.
  }, [props.data, props.xMin, props.xMax, props.limits, props.spans]);

  return (
    <div
      class="chart"
      ref={box}
      data-chart="uplot"
      data-points={props.data[0].length}
      data-limits={(props.limits ?? NONE).join(' ')}
      data-spans={(props.spans ?? NONE).length}
      aria-hidden="true"
    />
  );
}
