/**
 * @module chart-panel — the last hour of the selected sensor: series from the server, then
 * live values appended as they arrive. Holds the data; the Chart component draws it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type SensorInfo, series, serverNow } from '../api.ts';
import { appendReading, bucketsToColumns, emptyColumns, type SeriesColumns, trimBefore } from '../charts/buckets.ts';
import { Chart } from '../charts/chart.tsx';
import type { BreachSpan } from '../charts/plugins/limit-lines.ts';
import { limitText, limitValues, type RuleRef } from '../compliance.ts';
import { useI18n } from '../i18n.ts';
import type { Live, LiveState } from '../live.ts';
import { STALE_AFTER_MS } from '../staleness.ts';
import { ExportLink } from './export-link.tsx';

const WINDOW_MS = 3_600_000;
/** 360 buckets of 10 s: finer than a phone's chart has pixels for, coarse enough for bad signal. */
const POINTS = 360;
const SLIDE_EVERY_MS = 10_000;

type Load = { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; detail: string };

export type ChartPanelProps = {
  sensor: SensorInfo;
  live: Live;
  connection: LiveState;
  /** The rules on this sensor: their limits are drawn and listed with their source. */
  rules: readonly RuleRef[];
  spans: readonly BreachSpan[];
};

export function ChartPanel({ sensor, live, connection, rules, spans }: ChartPanelProps) {
  const i18n = useI18n();
  const [cols, setCols] = useState<SeriesColumns>(emptyColumns);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [now, setNow] = useState(serverNow);
  const gapMs = useRef(STALE_AFTER_MS);
  // Live values that arrive while the series request is in flight are kept and added after.
  const pending = useRef<[number, number][] | null>(null);

  // Reload after the live stream comes back: the backlog may have filled the gap meanwhile.
  const [reloads, setReloads] = useState(0);
  const prevConnection = useRef(connection);
  useEffect(() => {
    if (prevConnection.current === 'retrying' && connection === 'open') setReloads((n) => n + 1);
    prevConnection.current = connection;
  }, [connection]);

  // `reloads` is the trigger: each bump refetches.
  useEffect(() => {
    let cancelled = false;
    const to = serverNow();
    const from = to - WINDOW_MS;
    pending.current = [];
    setLoad({ kind: 'loading' });
    series(sensor.id, from, to, POINTS)
      .then((resp) => {
        if (cancelled) return;
        gapMs.current = Math.max(1.5 * resp.bucket_ms, STALE_AFTER_MS);
        let next = bucketsToColumns(resp);
        for (const [ts, value] of pending.current ?? []) next = appendReading(next, ts, value, gapMs.current);
        pending.current = null;
        setCols(next);
        setNow(serverNow());
        setLoad({ kind: 'ready' });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        pending.current = null;
        setLoad({ kind: 'error', detail: err instanceof Error ? err.message : String(err) });
      });
    return () => {
      cancelled = true;
    };
  }, [sensor.id, reloads]);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.kind !== 'reading' || event.reading.sensor !== sensor.id) return;
        const { ts, value } = event.reading;
        if (pending.current) {
          pending.current.push([ts, value]);
          return;
        }
        const t = serverNow();
        setNow(t);
        setCols((c) => trimBefore(appendReading(c, ts, value, gapMs.current), t - WINDOW_MS));
      }),
    [live, sensor.id],
  );

  // On a phone the chart sits under the tiles: after a tap, bring it into view (no smooth
  // scrolling: no animation). Not on first show, so the page opens at the top.
  const section = useRef<HTMLElement>(null);
  const shownSensor = useRef(sensor.id);
  useEffect(() => {
    if (shownSensor.current === sensor.id) return;
    shownSensor.current = sensor.id;
    section.current?.scrollIntoView({ block: 'nearest' });
  }, [sensor.id]);

  // Slide the window even while the sensor is silent, so the silence shows as empty space.
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), SLIDE_EVERY_MS);
    return () => clearInterval(timer);
  }, []);

  const limits = useMemo(() => [...new Set(rules.flatMap((r) => limitValues(r.rule)))], [rules]);

  const lastX = cols[0].length > 0 ? cols[0][cols[0].length - 1]! : 0;
  const xMax = Math.max(now, lastX);
  const name = sensor.name || sensor.id;
  return (
    <section class="panel" ref={section} aria-label={i18n.t('chartTitle', { name })} data-chart-sensor={sensor.id}>
      <h2 class="panel__title">
        {i18n.t('chartTitle', { name })}
        <span class="panel__quantity"> · {i18n.quantity(sensor.quantity)}</span>
      </h2>
      {rules.length > 0 && (
        <ul class="rules" aria-label={i18n.t('limitsTitle')}>
          {rules.map((r) => (
            <li key={`${r.permit}/${r.rule.id}`} class="rules__rule" data-rule={r.rule.id}>
              <span class="rules__limit">
                {i18n.t('limitLabel')}: {limitText(r.rule, i18n.limit)} {i18n.unit(sensor.unit)}
              </span>{' '}
              <span class="rules__source">
                — {r.permitTitle}, {r.rule.source ?? i18n.t('sourceMissing')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div class="panel__body">
        <Chart
          data={cols}
          xMin={xMax - WINDOW_MS}
          xMax={xMax}
          unit={sensor.unit}
          lang={i18n.lang}
          labels={{
            time: i18n.t('seriesTime'),
            mean: i18n.t('seriesMean'),
            min: i18n.t('seriesMin'),
            max: i18n.t('seriesMax'),
          }}
          limits={limits}
          spans={spans}
          limitLabel={(v) => `${i18n.t('limitLabel')} ${i18n.limit(v)}`}
        />
        {load.kind === 'loading' && <p class="panel__note">{i18n.t('chartLoading')}</p>}
        {load.kind === 'error' && (
          <p class="panel__note message--error" role="alert">
            {i18n.t('chartError', { detail: load.detail })}
          </p>
        )}
        {load.kind === 'ready' && cols[0].length === 0 && <p class="panel__note">{i18n.t('chartEmpty')}</p>}
      </div>
      <ExportLink sensor={sensor.id} />
    </section>
  );
}
