/**
 * @module devices-page — the technician's screen: one card per field device
 * (`GET /api/v1/devices`), kept current by live `device` and `reading` events and refetched
 * every 30 s (sensor silence and new devices). Worst first: no contact, then problems.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type DeviceHealth, devices as fetchDevices } from '../api.ts';
import { DeviceCard } from '../components/device-card.tsx';
import { applyLiveDevice, applyReadingTimes, contactOf, silentSensors } from '../device-health.ts';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import type { LiveSnapshot } from '../live.ts';
import { useNow } from '../use-now.ts';

const REFRESH_MS = 30_000;
const CONTACT_ORDER = { revoked: 3, never: 1, stale: 0, ok: 2 } as const;

export function DevicesPage({ snapshot }: { snapshot: LiveSnapshot }) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow(1000);
  const [rows, setRows] = useState<DeviceHealth[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastFetch = useRef(0);

  const load = useCallback(() => {
    lastFetch.current = Date.now();
    fetchDevices()
      .then((list) => {
        setRows(list);
        setError(null);
      })
      .catch((err: unknown) => setError(errorText(err, t)));
  }, [t]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  // A device heard from that the list does not have yet (added after the page loaded).
  useEffect(() => {
    if (!rows || Date.now() - lastFetch.current < 5000) return;
    const known = new Set(rows.map((d) => d.id));
    for (const id of snapshot.devices.keys()) {
      if (!known.has(id)) {
        load();
        return;
      }
    }
  }, [snapshot.devices, rows, load]);

  const shown = useMemo(() => {
    if (!rows) return null;
    return rows.map((d) =>
      applyReadingTimes(applyLiveDevice(d, snapshot.devices.get(d.id)), (s) => snapshot.readings.get(s)?.ts),
    );
  }, [rows, snapshot.devices, snapshot.readings]);

  const sorted = useMemo(() => {
    if (!shown) return null;
    const score = (d: DeviceHealth) => CONTACT_ORDER[contactOf(d, now)];
    const trouble = (d: DeviceHealth) =>
      (d.dropped ?? 0) > 0 || silentSensors(d, now).length > 0 || (d.backlog ?? 0) > 0 ? 0 : 1;
    return [...shown].sort(
      (a, b) =>
        score(a) - score(b) || trouble(a) - trouble(b) || a.site.localeCompare(b.site) || a.id.localeCompare(b.id),
    );
  }, [shown, now]);

  return (
    <main class="main main--narrow" data-page="devices">
      <div class="page-head">
        <h1 class="page-head__title">{t('devicesTitle')}</h1>
        <p class="page-head__note">{t('devicesIntro')}</p>
        <p class="page-head__note">{t('siteTimes', { zone: i18n.zone() })}</p>
      </div>
      {error && (
        <div class="message message--error" role="alert">
          {t('devicesError', { detail: error })}{' '}
          <button type="button" class="button button--quiet" onClick={load}>
            {t('retry')}
          </button>
        </div>
      )}
      {sorted === null && !error && <p class="message">{t('devicesLoading')}</p>}
      {sorted !== null && sorted.length === 0 && <p class="message">{t('devicesEmpty')}</p>}
      {sorted !== null && sorted.length > 0 && (
        <div class="device-list" data-devices-ready="1">
          {sorted.map((d) => (
            <DeviceCard key={d.id} device={d} now={now} />
          ))}
        </div>
      )}
    </main>
  );
}
