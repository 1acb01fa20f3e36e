/**
 * @module pi/pi-app — the operator view of the page on the Pi: every sensor's value as the agent
 * reads it, its local safety-rule state with the alarm in words and icon, sound and vibration
 * with "Silenciar" (this screen, for a while; the alarm stays), and the link to the server.
 * Live from the agent's `GET /events` (one `EdgeLiveEvent` a second); needs no server and no
 * internet. Uses the dashboard's tile look, icons and words.
 */
import type { EdgeLiveEvent } from '@vigia/shared';
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { StateIcon } from '../components/state-icon.tsx';
import { type I18n, I18nContext, loadLang, makeI18n } from '../i18n.ts';
import { tileState } from '../staleness.ts';
import { createAlarmSound, SILENCE_MS } from './alarm-sound.ts';
import { type PiWord, piWord } from './pi-words.ts';

type Sensor = EdgeLiveEvent['sensors']['sensors'][number];
type Rule = NonNullable<EdgeLiveEvent['status']['safety']>[number];

const RULE_WORDS: Record<string, [string, string]> = {
  ok: ['normal', 'normal'],
  pending: ['por encima del límite, esperando confirmación', 'over the limit, waiting to confirm'],
  breach: ['ALARMA', 'ALARM'],
  clearing: ['volviendo a la normalidad', 'clearing'],
  no_data: ['sin datos', 'no data'],
};

function Tile({ sensor, rules, now, i18n }: { sensor: Sensor; rules: Rule[]; now: number; i18n: I18n }) {
  const alarm = rules.some((r) => r.state === 'breach');
  const stale = tileState(sensor.latest?.ts, now);
  const look = alarm ? 'alarm' : stale !== 'ok' ? stale : rules.some((r) => r.state === 'pending') ? 'pending' : 'ok';
  const en = i18n.lang === 'en' ? 1 : 0;
  return (
    <div class={`tile tile--${stale} tile--look-${look}`} data-sensor={sensor.id} data-look={look}>
      {alarm && (
        <span class="tile__alert" role="alert" data-alert="alarm">
          <span class="tile__icon">
            <StateIcon kind="alarm" size={40} />
          </span>
          <span class="tile__headline">{i18n.t('alarmHeadline')}</span>
          <span class="tile__detail">{i18n.t('alarmDetail')}</span>
        </span>
      )}
      <span class="tile__name">{sensor.name ?? sensor.id}</span>
      <span class="tile__quantity">{i18n.quantity(sensor.quantity)}</span>
      <span class="tile__reading">
        <span class="tile__value" data-value={sensor.latest ? String(sensor.latest.value) : ''}>
          {sensor.latest ? i18n.value(sensor.latest.value) : '—'}
        </span>
        <span class="tile__unit">{i18n.unit(sensor.unit)}</span>
      </span>
      <span class="tile__status" role="status">
        {stale === 'never' && i18n.t('neverReceived')}
        {stale === 'stale' && sensor.latest && i18n.t('staleSince', { time: i18n.clock(sensor.latest.ts, now) })}
        {rules.map((r) => (
          <span key={r.rule} class="tile__limit" data-rule={r.rule} data-rule-state={r.state}>
            {r.state === 'pending' && <StateIcon kind="pending" size={22} />}
            {(RULE_WORDS[r.state] ?? [r.state, r.state])[en]}
          </span>
        ))}
      </span>
    </div>
  );
}

function LinkPanel({ status, now, w, i18n }: { status: EdgeLiveEvent['status']; now: number; w: Word; i18n: I18n }) {
  const f = status.forwarder;
  const up = f.state === 'ok';
  return (
    <section class="pi-link" data-link={up ? 'up' : 'down'} aria-live="polite">
      <strong>{up ? w('linkOk') : w('linkDown')}</strong>
      {!up && f.detail && <span> — {f.detail}</span>}
      <div data-waiting={status.buffer.pending}>{w('waiting', { n: status.buffer.pending })}</div>
      {f.eta_s != null && (f.backlog_rate ?? 0) > 0 && (
        <div>{w('drain', { rate: Math.round(f.backlog_rate ?? 0), eta: i18n.duration(f.eta_s * 1000) })}</div>
      )}
      <div>{w('lastSend', { time: f.last_sent_at ? i18n.clock(f.last_sent_at, now) : w('never') })}</div>
    </section>
  );
}

type Word = (key: PiWord, vars?: Record<string, string | number>) => string;

type TechProps = { event: EdgeLiveEvent | null; i18n: I18n };

/** The technician view, loaded only when asked for (`#tecnico`): the operator's load stays small. */
function useTech(): [ComponentType<TechProps> | null, boolean, (on: boolean) => void] {
  const [on, setOn] = useState(location.hash === '#tecnico');
  const [view, setView] = useState<ComponentType<TechProps> | null>(null);
  useEffect(() => {
    if (on && !view) void import('./tech-view.tsx').then((m) => setView(() => m.TechView));
    location.hash = on ? 'tecnico' : '';
  }, [on]);
  return [view, on, setOn];
}

export function PiApp() {
  const [Tech, techOn, setTech] = useTech();
  const i18n = useMemo(() => makeI18n(loadLang()), []);
  const w: Word = (key, vars) => piWord(i18n.lang, key, vars);
  const [event, setEvent] = useState<EdgeLiveEvent | null>(null);
  const [connected, setConnected] = useState(false);
  const [silencedUntil, setSilencedUntil] = useState(0);
  const [, setUnlocked] = useState(false);
  const sound = useRef(createAlarmSound()).current;
  const now = Date.now();

  useEffect(() => {
    const source = new EventSource('events');
    source.onmessage = (e) => {
      setEvent(JSON.parse(e.data) as EdgeLiveEvent);
      setConnected(true);
    };
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);

  const rules = event?.status.safety ?? [];
  const alarmed = (event?.sensors.sensors ?? []).filter((s) =>
    rules.some((r) => r.sensor === s.id && r.state === 'breach'),
  );
  const silenced = now < silencedUntil;
  useEffect(() => sound.set(alarmed.length > 0 && !silenced));
  useEffect(() => () => sound.set(false), [sound]);

  return (
    <I18nContext.Provider value={i18n}>
      <main class="pi">
        <header class="pi-header">
          <h1>{w('title')}</h1>
          {event && <span>{event.status.device.id}</span>}
          <button type="button" class="pi-tech-toggle" onClick={() => setTech(!techOn)}>
            {techOn ? 'Operador' : 'Técnico'}
          </button>
        </header>
        {techOn && Tech && <Tech event={event} i18n={i18n} />}
        {!connected && (
          <p class="pi-lost" role="alert" data-agent="lost">
            {w('agentLost')}
          </p>
        )}
        {alarmed.length > 0 && (
          <section class="pi-alarm" role="alert" data-alarm="on">
            <StateIcon kind="alarm" size={32} />
            <strong>{w('alarmBanner', { sensors: alarmed.map((s) => s.name ?? s.id).join(', ') })}</strong>
            {silenced ? (
              <span data-silenced="on">{w('silenced', { time: i18n.clock(silencedUntil, now) })}</span>
            ) : (
              <button type="button" id="silence" onClick={() => setSilencedUntil(Date.now() + SILENCE_MS)}>
                {w('silence')}
              </button>
            )}
          </section>
        )}
        {!sound.unlocked() && (
          <button
            type="button"
            class="pi-sound"
            onClick={() => {
              sound.unlock();
              setUnlocked(true);
            }}
            title={w('soundHint')}
          >
            {w('soundOn')}
          </button>
        )}
        {event && <LinkPanel status={event.status} now={now} w={w} i18n={i18n} />}
        <div class="grid">
          {event?.sensors.sensors.length === 0 && <p>{w('noSensors')}</p>}
          {event?.sensors.sensors.map((s) => (
            <Tile key={s.id} sensor={s} rules={rules.filter((r) => r.sensor === s.id)} now={now} i18n={i18n} />
          ))}
        </div>
      </main>
    </I18nContext.Provider>
  );
}
