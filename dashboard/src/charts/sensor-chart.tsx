/**
 * @module charts/sensor-chart — one chart of one or more sensors over a range, ready to place:
 * fetches (use-chart-data), lays sensors on at most two axes, overlays the previous period,
 * and says in words what is loading, empty or failed, and what the shading means. The live
 * page's chart panel and the permit preview both draw with it.
 */
import { useMemo } from 'preact/hooks';
import type { SensorInfo } from '../api.ts';
import { formatDuration, type Lang } from '../format.ts';
import type { Live, LiveState } from '../live.ts';
import { Chart, type ChartLayer } from './chart.tsx';
import { ChartLegend } from './chart-legend.tsx';
import { previousPeriod } from './chart-state.ts';
import type { chartWords } from './chart-words.ts';
import type { BreachSpan } from './plugins/limit-lines.ts';
import { alignLayers, planAxes } from './series-set.ts';
import { useChartData } from './use-chart-data.ts';

/** Told apart by hue and by lightness (readable in grey print too). */
export const LAYER_COLORS = ['#0a4fc4', '#b34700', '#1d7a3a', '#7a1fa2'] as const;
const PREVIOUS_COLOR = '#444444';

export type SensorChartProps = {
  words: ReturnType<typeof chartWords>;
  lang: Lang;
  sensors: readonly SensorInfo[];
  /** What is fetched. */
  from: number;
  to: number;
  /** What is shown (slides with now while following); the fetched range when absent. */
  view?: { from: number; to: number };
  compare?: boolean;
  follow?: boolean;
  live?: Live;
  connection?: LiveState;
  limits?: readonly number[];
  limitLabel?: (v: number) => string;
  /**
   * Drawn with the breaches found: a permit preview's would-be breaches, or breaches the live
   * stream opened or changed since (these replace a fetched one of the same id).
   */
  extraSpans?: readonly BreachSpan[];
  onZoom?: (from: number, to: number) => void;
};

export function SensorChart(p: SensorChartProps) {
  const { words, sensors, from, to } = p;
  const { t } = words;
  // The previous period: chart-state.ts's, the one its tests pin down.
  const previous = p.compare ? previousPeriod({ from, to }) : null;
  const compareFrom = previous?.from ?? null;
  const data = useChartData({
    sensors,
    from,
    to,
    compareFrom,
    follow: p.follow ?? false,
    live: p.live,
    connection: p.connection,
  });
  const plan = planAxes(sensors);
  const axisOf = plan.ok ? plan.axisOf : sensors.map(() => 'y' as const);
  const layers: ChartLayer[] = useMemo(() => {
    const out: ChartLayer[] = sensors.map((s, i) => ({
      label: s.name || s.id,
      axis: axisOf[i]!,
      color: LAYER_COLORS[i % LAYER_COLORS.length]!,
    }));
    if (compareFrom !== null && sensors[0]) {
      out.push({
        label: t('compareLabel', { name: sensors[0].name || sensors[0].id }),
        axis: axisOf[0]!,
        color: PREVIOUS_COLOR,
        dashed: true,
      });
    }
    return out;
  }, [sensors.map((s) => s.id).join(','), axisOf.join(','), compareFrom !== null, p.lang]);

  // The data may lag the layers for one render (a sensor just added): draw what matches.
  const ready = data.cols.length === layers.length;
  const aligned = useMemo(
    () =>
      ready
        ? alignLayers(
            data.cols.map((cols, i) => ({ cols, shiftMs: layers[i]?.dashed && previous ? previous.shift : 0 })),
          )
        : { xs: [], columns: layers.map(() => [[], [], []]) },
    [data.cols, ready],
  );
  const spans = useMemo(() => {
    const extra = p.extraSpans ?? [];
    const newer = new Set(extra.map((s) => s.id).filter(Boolean));
    return [...data.spans.filter((s) => !s.id || !newer.has(s.id)), ...extra];
  }, [data.spans, p.extraSpans]);
  const view = p.view ?? { from, to };
  const empty = data.load.kind === 'ready' && aligned.xs.length === 0;

  return (
    <div class="panel__body" data-bucket-ms={data.bucketMs ?? ''}>
      <Chart
        xs={aligned.xs}
        columns={aligned.columns}
        layers={layers}
        axes={plan.axes}
        xMin={view.from}
        xMax={view.to}
        lang={p.lang}
        labels={{ time: t('time'), min: t('min'), max: t('max') }}
        limits={p.limits}
        spans={spans}
        marks={data.marks}
        limitLabel={p.limitLabel}
        onZoom={p.onZoom}
        arrivedAt={data.arrivedAt}
      />
      {data.load.kind === 'loading' && <p class="panel__note">{t('loading')}</p>}
      {data.load.kind === 'error' && (
        <p class="panel__note message--error" role="alert">
          {t('error', { detail: data.load.detail })}
        </p>
      )}
      {data.spansError && (
        <p class="panel__note message--error" role="alert">
          {t('breachesError', { detail: data.spansError })}
        </p>
      )}
      {empty && <p class="panel__note">{t('empty')}</p>}
      {data.bucketMs !== null && data.bucketMs > 1000 && (
        <p class="chart-note" data-resolution>
          {t('resolution', { width: formatDuration(data.bucketMs) })}
        </p>
      )}
      <ChartLegend
        words={words}
        spans={spans}
        marks={data.marks}
        uncertainHidden={data.uncertainHidden}
        marksTruncated={data.marksTruncated}
      />
    </div>
  );
}
