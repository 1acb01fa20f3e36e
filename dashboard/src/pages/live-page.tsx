/**
 * @module live-page — the operator's screen: header, one tile per sensor, the chart of the
 * selected one. Marks `<body data-ready="1">` once the sensor list has loaded (for tests).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { sensors as fetchSensors, logout, type Me, type SensorInfo } from '../api.ts';
import { ChartPanel } from '../components/chart-panel.tsx';
import { Header } from '../components/header.tsx';
import { SensorGrid, type TileReading } from '../components/sensor-grid.tsx';
import { useI18n } from '../i18n.ts';
import { useLive } from '../use-live.ts';
import { useNow } from '../use-now.ts';

/** An unknown sensor on the live stream refetches the list, at most this often. */
const REFETCH_MIN_MS = 10_000;

export type LivePageProps = { me: Me; onToggleLang: () => void; onLoggedOut: () => void };

export function LivePage({ me, onToggleLang, onLoggedOut }: LivePageProps) {
  const { t } = useI18n();
  const { live, snapshot } = useLive();
  const now = useNow(1000);
  const [list, setList] = useState<SensorInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
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

  const selectedSensor = list?.find((s) => s.id === selected) ?? list?.[0] ?? null;
  const sites = me.sites.length > 0 ? me.sites : [...new Set((list ?? []).map((s) => s.site))];

  const signOut = () => {
    logout()
      .catch(() => {})
      .finally(onLoggedOut);
  };

  return (
    <div class="page">
      <Header sites={sites} user={me.user} connection={snapshot.state} onToggleLang={onToggleLang} onLogout={signOut} />
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
        {list === null && !error && <p class="message">{t('loadingSensors')}</p>}
        {list !== null && list.length === 0 && <p class="message">{t('noSensors')}</p>}
        {list !== null && list.length > 0 && (
          <SensorGrid
            sensors={list}
            latest={latest}
            now={now}
            selected={selectedSensor?.id ?? null}
            onSelect={setSelected}
          />
        )}
        {selectedSensor && <ChartPanel sensor={selectedSensor} live={live} connection={snapshot.state} />}
      </main>
    </div>
  );
}
