/**
 * @module alarm-bar — at the top of every page: how many alarms and breaches are open, each
 * one worst first (safety alarms before permit breaches, then the oldest), a tap goes to its
 * sensor on the live page. When one opens (a live `breach` event `opened`) the screen sounds,
 * vibrates and notifies (alarm-signals.ts) unless "Silenciar" is on; silencing clears nothing.
 * Open means: the rule's state is `breach` (GET /api/v1/rules/status, live events applied).
 * The edge's local safety alarms (its `safety_alarms`, sent with each batch's status and
 * relayed as live `device` events) are listed too, marked as local, and sound when they appear.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  askNotifications,
  canAskNotifications,
  SILENCE_MS,
  setSilencedUntil,
  signalAlarm,
  silencedUntil,
  unlockAudio,
} from '../alarm-signals.ts';
import { sensors as fetchSensors, type SensorInfo } from '../api.ts';
import { isAlarmSeverity, ruleKey } from '../compliance.ts';
import { useI18n } from '../i18n.ts';
import type { Live } from '../live.ts';
import type { Compliance } from '../use-compliance.ts';
import { useNow } from '../use-now.ts';

export type OpenAlarm = {
  key: string;
  sensor: string;
  alarm: boolean;
  since: number | null;
  rule: string;
  /** Raised by the edge's local safety rules, not the server's permits. */
  local?: boolean;
};
type LocalAlarms = ReadonlyMap<string, OpenAlarm[]>;

/** Open alarms and breaches, worst first: alarm severity, then the oldest, then by sensor. */
export function openAlarms(c: Pick<Compliance, 'rules' | 'statuses' | 'breaches'>): OpenAlarm[] {
  const out: OpenAlarm[] = [];
  for (const [sensor, refs] of c.rules) {
    for (const ref of refs) {
      const key = ruleKey(ref.permit, ref.rule.id);
      if (c.statuses.get(key) !== 'breach') continue;
      let since: number | null = null;
      for (const b of c.breaches.values()) {
        if (b.permit === ref.permit && b.rule === ref.rule.id && b.end === null && b.state === 'open')
          since = since === null ? b.start : Math.min(since, b.start);
      }
      out.push({ key, sensor, alarm: isAlarmSeverity(ref.rule.severity), since, rule: ref.rule.id });
    }
  }
  return out.sort(worstFirst);
}

function worstFirst(a: OpenAlarm, b: OpenAlarm): number {
  return (
    Number(b.alarm) - Number(a.alarm) ||
    (a.since ?? Number.POSITIVE_INFINITY) - (b.since ?? Number.POSITIVE_INFINITY) ||
    a.sensor.localeCompare(b.sensor)
  );
}

export type AlarmBarProps = { live: Live; compliance: Compliance; onGo: (sensor: string) => void };

export function AlarmBar({ live, compliance, onGo }: AlarmBarProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow(5000);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [silenced, setSilenced] = useState(() => silencedUntil());
  const [askable, setAskable] = useState(canAskNotifications);
  const [local, setLocal] = useState<LocalAlarms>(new Map());

  useEffect(() => {
    fetchSensors()
      .then((rows: SensorInfo[]) => setNames(new Map(rows.map((s) => [s.id, s.name || s.id]))))
      .catch(() => {});
    // Browsers start audio only after a gesture: the first tap anywhere unlocks it.
    addEventListener('pointerdown', unlockAudio, { once: true });
    return () => removeEventListener('pointerdown', unlockAudio);
  }, []);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.kind !== 'breach' || event.breach.change !== 'opened') return;
        const b = event.breach;
        const alarm = isAlarmSeverity(b.severity);
        const name = names.get(b.sensor) ?? b.sensor;
        const title = t(alarm ? 'alarmNotifyTitle' : 'breachNotifyTitle', { name });
        const sounded = signalAlarm(alarm ? 'safety' : 'breach', title, i18n.clock(b.start, Date.now()), b.id);
        document.body.dataset.lastSignal = sounded ? (alarm ? 'safety' : 'breach') : 'silenced';
      }),
    [live, names, i18n],
  );

  // The edge's local alarms: each device's status replaces its list; a new one sounds.
  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.kind !== 'device' || !event.device.status) return;
        const { device } = event;
        const list = (device.status?.safety_alarms ?? []).map(
          (a): OpenAlarm => ({
            key: `local/${device.device}/${a.rule}`,
            sensor: a.sensor,
            alarm: true,
            since: a.since,
            rule: a.rule,
            local: true,
          }),
        );
        setLocal((prev) => {
          const before = new Set((prev.get(device.device) ?? []).map((a) => a.key));
          const fresh = list.filter((a) => !before.has(a.key));
          if (fresh.length > 0) {
            const name = names.get(fresh[0].sensor) ?? fresh[0].sensor;
            const sounded = signalAlarm('safety', t('alarmNotifyTitle', { name }), t('alarmLocal'), fresh[0].key);
            document.body.dataset.lastSignal = sounded ? 'safety' : 'silenced';
          }
          if (list.length === 0 && !prev.has(device.device)) return prev;
          const next = new Map(prev);
          if (list.length === 0) next.delete(device.device);
          else next.set(device.device, list);
          return next;
        });
      }),
    [live, names, i18n],
  );

  const open = useMemo(
    () => [...[...local.values()].flat(), ...openAlarms(compliance)].sort(worstFirst),
    [local, compliance.rules, compliance.statuses, compliance.breaches],
  );
  const alarms = open.filter((a) => a.alarm).length;
  const isSilenced = silenced > now;
  const silence = () => {
    const until = Date.now() + SILENCE_MS;
    setSilencedUntil(until);
    setSilenced(until);
  };
  const unsilence = () => {
    setSilencedUntil(0);
    setSilenced(0);
  };

  return (
    <section
      class={`alarm-bar${open.length > 0 ? (alarms > 0 ? ' alarm-bar--alarm' : ' alarm-bar--breach') : ''}`}
      aria-label={t('alarmBarLabel')}
      data-open={open.length}
      aria-live="polite"
    >
      <p class="alarm-bar__count">
        {open.length === 0 ? t('alarmBarNone') : t('alarmBarCount', { alarms, breaches: open.length - alarms })}
      </p>
      {open.length > 0 && (
        <ul class="alarm-bar__list">
          {open.map((a) => (
            <li key={a.key}>
              <button
                type="button"
                class={`alarm-bar__item${a.alarm ? ' alarm-bar__item--alarm' : ''}`}
                data-alarm-sensor={a.sensor}
                data-local={a.local ? '1' : undefined}
                onClick={() => onGo(a.sensor)}
              >
                {a.alarm ? '⚠ ' : ''}
                {names.get(a.sensor) ?? a.sensor}
                {a.local && ` · ${t('alarmLocal')}`}
                {a.since !== null && ` · ${t('alarmSince', { time: i18n.clock(a.since, now) })}`}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="alarm-bar__actions">
        {isSilenced ? (
          <>
            <span data-silenced="1">{t('silencedUntil', { time: i18n.clock(silenced, now) })}</span>{' '}
            <button type="button" class="button button--quiet" onClick={unsilence}>
              {t('unsilence')}
            </button>
          </>
        ) : (
          <button type="button" class="button button--quiet" onClick={silence}>
            {t('silence')}
          </button>
        )}
        {askable && (
          <button
            type="button"
            class="button button--quiet"
            onClick={() => void askNotifications().finally(() => setAskable(canAskNotifications()))}
          >
            {t('notifyAllow')}
          </button>
        )}
      </p>
    </section>
  );
}
