/**
 * @module breaches-page — the officer's list: the breaches overlapping a month (this month
 * by default), newest first, with acknowledgement for officers and admins. Times in the site's zone (site-zone.ts).
 * Filters (open/closed/withdrawn, only unacknowledged, permit, sensor) are the server's
 * (GET /api/v1/breaches) and live in the address with the month (route.ts `breachViewOf`), so
 * a link or a reload shows the same view. A live `breach` event (one opened, acknowledged,
 * withdrawn…) reloads the list shortly after, so an open page never shows a stale month.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  breaches as fetchBreaches,
  permits as fetchPermits,
  sensors as fetchSensors,
  type Me,
  type SensorInfo,
  serverNow,
} from '../api.ts';
import { type BreachRow, findRule, type PermitInfo } from '../compliance.ts';
import { BreachCard } from '../components/breach-card.tsx';
import { BreachFilters } from '../components/breach-filters.tsx';
import { MonthPicker } from '../components/month-picker.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import type { Live } from '../live.ts';
import { currentMonth, monthLabel, monthRange } from '../month.ts';
import { type BreachView, breachViewHref, breachViewOf, isFiltered, offered } from '../route.ts';

const ACK_ROLES = new Set(['officer', 'admin']);

type Load = { kind: 'loading' } | { kind: 'ready'; rows: BreachRow[] } | { kind: 'error'; detail: string };

/** After a live breach event, wait this long (events come in bursts) and reload once. */
const RELOAD_AFTER_EVENT_MS = 1000;

export function BreachesPage({ me, live }: { me: Me; live: Live }) {
  const i18n = useI18n();
  const { t } = i18n;
  const thisMonth = currentMonth(serverNow());
  const [view, setView] = useState<BreachView>(() => breachViewOf(location.hash));
  const month = view.month ?? thisMonth;
  const filtered = isFiltered(view);
  // The address follows the view (replaceState: the back button is not flooded with filters).
  const changeView = (next: BreachView) => {
    setView(next);
    history.replaceState(null, '', breachViewHref(next));
  };
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [permits, setPermits] = useState<PermitInfo[]>([]);
  const [sensorList, setSensorList] = useState<SensorInfo[]>([]);
  const [reloads, setReloads] = useState(0);
  const quiet = useRef(false);
  const canAck = ACK_ROLES.has(me.role);

  useEffect(() => {
    let soon: ReturnType<typeof setTimeout> | null = null;
    const off = live.subscribe((event) => {
      if (event.kind !== 'breach') return;
      if (soon) clearTimeout(soon);
      soon = setTimeout(() => {
        quiet.current = true;
        setReloads((n) => n + 1);
      }, RELOAD_AFTER_EVENT_MS);
    });
    return () => {
      off();
      if (soon) clearTimeout(soon);
    };
  }, [live]);

  // A link followed while the page is open (another filter in the address).
  useEffect(() => {
    const follow = () => setView(breachViewOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    fetchPermits()
      .then(setPermits)
      .catch(() => {});
    fetchSensors()
      .then(setSensorList)
      .catch(() => {});
  }, []);

  // `reloads` is the trigger for a reload after a conflicting acknowledgement.
  useEffect(() => {
    let cancelled = false;
    const { from, to } = monthRange(month);
    // A reload after a live event keeps the list on screen (and a half-written note in its form).
    if (!quiet.current) setLoad({ kind: 'loading' });
    quiet.current = false;
    fetchBreaches(from, to, {
      state: view.state ?? undefined,
      unacked: view.unacked,
      permit: view.permit ?? undefined,
      sensor: view.sensor ?? undefined,
    })
      .then((rows) => !cancelled && setLoad({ kind: 'ready', rows }))
      .catch((err: unknown) => !cancelled && setLoad({ kind: 'error', detail: errorText(err, t) }));
    return () => {
      cancelled = true;
    };
  }, [month, view.state, view.unacked, view.permit, view.sensor, reloads]);

  const sensorsById = useMemo(() => new Map(sensorList.map((s) => [s.id, s])), [sensorList]);
  const acked = useCallback((b: BreachRow | null) => {
    if (!b) {
      setReloads((n) => n + 1);
      return;
    }
    setLoad((l) => (l.kind === 'ready' ? { ...l, rows: l.rows.map((r) => (r.id === b.id ? b : r)) } : l));
  }, []);

  const label = monthLabel(month, i18n.lang);
  return (
    <main class="main main--narrow" data-page="breaches">
      <div class="page-head">
        <h1 class="page-head__title">{t('breachesTitle')}</h1>
        <MonthPicker month={month} max={thisMonth} onChange={(m) => changeView({ ...view, month: m })} />
        <p class="page-head__note">{t('siteTimeNote', { zone: i18n.zone() })}</p>
      </div>
      <BreachFilters view={view} permits={permits} sensors={sensorList} onChange={changeView} />
      {load.kind === 'loading' && <p class="message">{t('breachesLoading')}</p>}
      {load.kind === 'error' && (
        <div class="message message--error" role="alert">
          {t('breachesError', { detail: load.detail })}{' '}
          <button type="button" class="button button--quiet" onClick={() => setReloads((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      )}
      {load.kind === 'ready' && load.rows.length === 0 && (
        <p class="message" data-breaches="0">
          {filtered ? t('breachesFilteredEmpty', { month: label }) : t('breachesEmpty', { month: label })}
        </p>
      )}
      {load.kind === 'ready' && load.rows.length > 0 && (
        <>
          <p class="page-head__count">
            {t('breachesCount', { count: load.rows.filter((b) => b.state !== 'withdrawn').length, month: label })}
            {load.rows.some((b) => b.state === 'withdrawn') &&
              ` ${t('breachesWithdrawnCount', { count: load.rows.filter((b) => b.state === 'withdrawn').length })}`}
          </p>
          <div class="breach-list" data-breaches={load.rows.length}>
            {load.rows.map((b) => {
              const sensor = sensorsById.get(b.sensor);
              return (
                <BreachCard
                  key={b.id}
                  breach={b}
                  sensorName={sensor?.name || b.sensor}
                  sensorUnit={sensor?.unit ?? ''}
                  rule={findRule(permits, b.permit, b.rule)}
                  canAck={canAck}
                  canNote={me.role !== 'technician'}
                  canSeePermits={offered('permits', me.role)}
                  onAcked={acked}
                />
              );
            })}
          </div>
        </>
      )}
    </main>
  );
}
