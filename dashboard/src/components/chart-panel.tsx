/**
 * @module chart-panel — the live page's chart: the selected sensor (and any added to it) over a
 * preset or custom range, with zoom, the previous period, limits of the primary sensor,
 * breaches, marks, and the CSV of exactly what is shown. Loaded lazily with uPlot (its own
 * chunk): the tiles show before it. Its state lives in the URL (use-chart-state.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type SensorInfo, serverNow } from '../api.ts';
import { ChartDownload } from '../charts/chart-download.tsx';
import { type ChartState, followsNow, PRESET_MS, rangeBounds, zoomIn, zoomOut } from '../charts/chart-state.ts';
import { chartWords } from '../charts/chart-words.ts';
import { RangeBar } from '../charts/range-bar.tsx';
import { LAYER_COLORS, SensorChart } from '../charts/sensor-chart.tsx';
import { SensorPicker } from '../charts/sensor-picker.tsx';
import { planAxes } from '../charts/series-set.ts';
import { breachSpan } from '../charts/use-chart-data.ts';
import { type BreachRow, limitText, limitValues, type RuleRef } from '../compliance.ts';
import { formatUnit } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { Live, LiveState } from '../live.ts';

const SLIDE_EVERY_MS = 10_000;

export type ChartPanelProps = {
  /** Every sensor the user may see (to add to the chart). */
  all: readonly SensorInfo[];
  /** The chart's sensors, primary first (never empty). */
  sensors: readonly SensorInfo[];
  state: ChartState;
  onState: (next: ChartState) => void;
  live: Live;
  connection: LiveState;
  /** The rules on the primary sensor: their limits are drawn and listed with their source. */
  rules: readonly RuleRef[];
  /** The primary sensor's breaches the live stream knows (opened since the chart loaded, too). */
  breaches: readonly BreachRow[];
};

export function ChartPanel({
  all,
  sensors: asked,
  state,
  onState,
  live,
  connection,
  rules,
  breaches,
}: ChartPanelProps) {
  const i18n = useI18n();
  const words = chartWords(i18n.lang);
  const { t } = words;
  // A link may name a third unit: draw what fits and say what was left out.
  const plan = planAxes(asked);
  const sensors = plan.ok ? asked : asked.slice(0, asked.indexOf(plan.refused as SensorInfo));
  const refused = plan.ok ? null : plan.refused;
  const primary = sensors[0]!;

  // A preset is fetched once when chosen (and on reconnect); the window then slides with now.
  const [fetchedAt, setFetchedAt] = useState(serverNow);
  const rangeKey = JSON.stringify(state.range);
  useEffect(() => setFetchedAt(serverNow()), [rangeKey]);
  const bounds = useMemo(() => rangeBounds(state.range, fetchedAt), [rangeKey, fetchedAt]);
  const follow = followsNow(state.range);
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (!follow) return;
    const timer = setInterval(() => setNow(serverNow()), SLIDE_EVERY_MS);
    return () => clearInterval(timer);
  }, [follow]);
  // A long preset is re-fetched after a tenth of its length has slid by (the buckets move).
  useEffect(() => {
    if (
      state.range.kind === 'preset' &&
      now - fetchedAt > PRESET_MS[state.range.preset] / 10 &&
      now - fetchedAt > 60_000
    ) {
      setFetchedAt(now);
    }
  }, [now]);
  const view = follow
    ? { from: Math.max(now, bounds.to) - (bounds.to - bounds.from), to: Math.max(now, bounds.to) }
    : bounds;

  // On a phone the chart sits under the tiles: after a tap, bring it into view (no smooth
  // scrolling: no animation). Not on first show, so the page opens at the top.
  const section = useRef<HTMLElement>(null);
  const shownSensor = useRef(primary.id);
  useEffect(() => {
    if (shownSensor.current === primary.id) return;
    shownSensor.current = primary.id;
    section.current?.scrollIntoView({ block: 'nearest' });
  }, [primary.id]);

  const liveSpans = useMemo(() => breaches.map(breachSpan), [breaches]);
  const limits = useMemo(() => [...new Set(rules.flatMap((r) => limitValues(r.rule)))], [rules]);
  const name = sensors.length === 1 ? primary.name || primary.id : t('titleMany', { count: sensors.length });
  return (
    <section class="panel" ref={section} aria-label={name} data-chart-sensor={primary.id}>
      <h2 class="panel__title">
        {name}
        {sensors.length === 1 && <span class="panel__quantity"> · {i18n.quantity(primary.quantity)}</span>}
      </h2>
      <RangeBar
        words={words}
        lang={i18n.lang}
        range={state.range}
        bounds={bounds}
        compare={state.compare}
        canZoomOut={state.range.kind === 'fixed'}
        onRange={(range) => onState({ ...state, range, zoomStack: [] })}
        onZoomOut={() => onState(zoomOut(state, serverNow()))}
        onCompare={(compare) => onState({ ...state, compare })}
      />
      <SensorPicker
        words={words}
        all={all}
        shown={sensors}
        colors={LAYER_COLORS}
        onChange={(ids) => onState({ ...state, sensors: ids })}
      />
      {refused && (
        <p class="message message--error" role="alert">
          {t('thirdUnit', {
            name: refused.id,
            unit: formatUnit(refused.unit),
            units: plan.axes.map((a) => formatUnit(a.unit)).join(', '),
          })}
        </p>
      )}
      {rules.length > 0 && (
        <ul class="rules" aria-label={i18n.t('limitsTitle')}>
          {rules.map((r) => (
            <li key={`${r.permit}/${r.rule.id}`} class="rules__rule" data-rule={r.rule.id}>
              <span class="rules__limit">
                {i18n.t('limitLabel')}: {limitText(r.rule, i18n.limit)} {i18n.unit(primary.unit)}
              </span>{' '}
              <span class="rules__source">
                — {r.permitTitle}, {r.rule.source ?? i18n.t('sourceMissing')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <SensorChart
        words={words}
        lang={i18n.lang}
        sensors={sensors}
        from={bounds.from}
        to={bounds.to}
        view={view}
        compare={state.compare}
        follow={follow}
        live={live}
        connection={connection}
        limits={limits}
        limitLabel={(v) => `${i18n.t('limitLabel')} ${i18n.limit(v)}`}
        extraSpans={liveSpans}
        onZoom={(from, to) => onState(zoomIn(state, from, to))}
      />
      <p class="chart-note chart-note--mouse">{t('zoomHint')}</p>
      <ChartDownload words={words} lang={i18n.lang} sensors={sensors} from={view.from} to={view.to} />
    </section>
  );
}
