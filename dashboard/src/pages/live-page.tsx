/**
 * @module live-page — the operator's screen: one tile per sensor with its limits and rule
 * state, and the chart of the selected one with limit lines and breach shading. Marks
 * `<body data-ready="1">` once the sensor list has loaded (for tests).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { keepAwake } from '../alarm-signals.ts';
import { sensors as fetchSensors, type Me, type SensorInfo, type SiteInfo } from '../api.ts';
import { type BreachRow, limitsStale, type RuleRef, ruleKey, worstRuleState } from '../compliance.ts';
import { LazyChartPanel } from '../components/lazy-chart.tsx';
import type { TileReading } from '../components/sensor-tile.tsx';
import { TileBoard } from '../components/tile-board.tsx';
import { useI18n } from '../i18n.ts';
import type { Live, LiveSnapshot } from '../live.ts';
import { useChartState } from '../use-chart-state.ts';
import type { Compliance } from '../use-compliance.ts';
import { useNow } from '../use-now.ts';

/** An unknown sensor on the live stream refetches the list, at most this often. */
const REFETCH_MIN_MS = 10_000;
const NO_RULES: readonly RuleRef[] = [];
const NO_BREACHES: readonly BreachRow[] = [];
const NO_SITES: readonly SiteInfo[] = [];

export type LivePageProps = {
  me: Me;
  live: Live;
  snapshot: LiveSnapshot;
  compliance: Compliance;
  /** The user's sites (signed-in.tsx fetches them once for every page); null while loading. */
  sites: readonly SiteInfo[] | null;
  onSiteSaved: (site: SiteInfo) => void;
  /** A sensor to select and scroll to (from the alarm bar); `n` changes on each request. */
  focus?: { sensor: string; n: number } | null;
};

export function LivePage({ me, live, snapshot, compliance, sites, onSiteSaved, focus }: LivePageProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow(1000);
  const [openedAt] = useState(() => Date.now());
  const [list, setList] = useState<SensorInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The chart's sensors and range live in the URL: the first sensor is the selected tile.
  const [chart, setChart] = useChartState();
  const selected = chart.sensors[0] ?? null;
  const setSelected = useCallback(
    (id: string) => setChart({ ...chart, sensors: chart.sensors[0] === id ? chart.sensors : [id], zoomStack: [] }),
    [chart, setChart],
  );
  const lastFetch = useRef(0);

  const load = useCallback(() => {
    lastFetch.current = Date.now();
    fetchSensors()
      .then((rows) => {
        setList([...rows].sort((a, b) => a.site.localeCompare(b.site) || a.id.localeCompare(b.id)));
        setError(null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  useEffect(load, []);
  // The operator's screen stays on while this page is open (where the browser can).
  useEffect(keepAwake, []);

  useEffect(() => {
    if (!focus) return;
    setSelected(focus.sensor);
    document.querySelector(`[data-sensor="${CSS.escape(focus.sensor)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [focus?.n, list === null]);

  useEffect(() => {
    if (list === null) return;
    document.body.dataset.ready = '1';
    return () => {
      delete document.body.dataset.ready;
    };
  }, [list === null]);

  // A sensor registered after the page loaded shows up without a reload.
  useEffect(() => {
    if (!list || Date.now() - lastFetch.current < REFETCH_MIN_MS) return;
    const known = new Set(list.map((s) => s.id));
    for (const id of snapshot.readings.keys()) {
      if (!known.has(id)) {
        load();
        return;
      }
    }
  }, [snapshot.readings, list, load]);

  const latest = (s: SensorInfo): TileReading | null => {
    const fromLive = snapshot.readings.get(s.id);
    if (fromLive && (!s.last || fromLive.ts >= s.last.ts)) return fromLive;
    return s.last;
  };

  const { rules, statuses, breaches } = compliance;
  const rulesOf = useCallback((sensor: string) => rules.get(sensor) ?? NO_RULES, [rules]);
  const ruleStateOf = useCallback(
    (sensor: string) => worstRuleState(rulesOf(sensor), (ref) => statuses.get(ruleKey(ref.permit, ref.rule.id))),
    [rulesOf, statuses],
  );
  const bySensor = useMemo(() => {
    const out = new Map<string, BreachRow[]>();
    for (const b of breaches.values()) out.set(b.sensor, [...(out.get(b.sensor) ?? []), b]);
    return out;
  }, [breaches]);
  const breachSinceOf = useCallback(
    (sensor: string) => {
      const state = ruleStateOf(sensor);
      if (state?.state !== 'breach') return null;
      const open = (bySensor.get(sensor) ?? []).filter((b) => b.end === null && b.rule === state.ref.rule.id);
      return open.length > 0 ? Math.min(...open.map((b) => b.start)) : null;
    },
    [bySensor, ruleStateOf],
  );

  const selectedSensor = list?.find((s) => s.id === selected) ?? list?.[0] ?? null;
  const chartSensors = useMemo(() => {
    if (!list || !selectedSensor) return [];
    const extra = chart.sensors.slice(1).flatMap((id) => list.filter((s) => s.id === id && s.id !== selectedSensor.id));
    return [selectedSensor, ...extra];
  }, [list, selectedSensor?.id, chart.sensors.join(',')]);

  return (
    <main class="main">
      <h1 class="visually-hidden">{t('sensorsTitle')}</h1>
      {error && (
        <div class="message message--error" role="alert">
          {t('sensorsError', { detail: error })}{' '}
          <button type="button" class="button button--quiet" onClick={load}>
            {t('retry')}
          </button>
        </div>
      )}
      {limitsStale(rules.size > 0, compliance.statusAt, openedAt, now) && (
        <div class="message message--error" role="alert" data-limits-stale="1">
          {compliance.statusAt === null
            ? t('limitsNeverLoaded')
            : t('limitsStale', { time: i18n.clock(compliance.statusAt, now) })}
        </div>
      )}
      {list === null && !error && <p class="message">{t('loadingSensors')}</p>}
      {list !== null && list.length === 0 && <p class="message">{t('noSensors')}</p>}
      {list !== null && list.length > 0 && (
        <TileBoard
          me={me}
          sensors={list}
          live={live}
          siteList={sites ?? NO_SITES}
          onSiteSaved={onSiteSaved}
          latest={latest}
          now={now}
          selected={selectedSensor?.id ?? null}
          onSelect={setSelected}
          rulesOf={rulesOf}
          ruleStateOf={ruleStateOf}
          breachSinceOf={breachSinceOf}
        />
      )}
      {selectedSensor && list && (
        <LazyChartPanel
          all={list}
          sensors={chartSensors}
          state={chart}
          onState={setChart}
          live={live}
          connection={snapshot.state}
          rules={rulesOf(selectedSensor.id)}
          breaches={bySensor.get(selectedSensor.id) ?? NO_BREACHES}
        />
      )}
    </main>
  );
}
