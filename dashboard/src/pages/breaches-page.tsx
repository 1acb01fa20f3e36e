/**
 * @module breaches-page — the officer's list: the breaches overlapping a month (this month
 * by default), newest first, with acknowledgement for officers and admins. Times in the site's zone (site-zone.ts).
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
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
import { MonthPicker } from '../components/month-picker.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import { currentMonth, monthLabel, monthRange } from '../month.ts';

const ACK_ROLES = new Set(['officer', 'admin']);

type Load = { kind: 'loading' } | { kind: 'ready'; rows: BreachRow[] } | { kind: 'error'; detail: string };

export function BreachesPage({ me }: { me: Me }) {
  const i18n = useI18n();
  const { t } = i18n;
  const thisMonth = currentMonth(serverNow());
  const [month, setMonth] = useState(thisMonth);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [permits, setPermits] = useState<PermitInfo[]>([]);
  const [sensorList, setSensorList] = useState<SensorInfo[]>([]);
  const [reloads, setReloads] = useState(0);
  const canAck = ACK_ROLES.has(me.role);

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
    setLoad({ kind: 'loading' });
    fetchBreaches(from, to)
      .then((rows) => !cancelled && setLoad({ kind: 'ready', rows }))
      .catch((err: unknown) => !cancelled && setLoad({ kind: 'error', detail: errorText(err, t) }));
    return () => {
      cancelled = true;
    };
  }, [month, reloads]);

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
        <MonthPicker month={month} max={thisMonth} onChange={setMonth} />
        <p class="page-head__note">{t('siteTimeNote', { zone: i18n.zone() })}</p>
      </div>
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
          {t('breachesEmpty', { month: label })}
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
