/**
 * @module device-card — one field device's health for a technician: contact (a stale device
 * gets a black-and-yellow banner, words and icon, not colour alone), backlog and how fast it
 * drains, dropped readings with the lost period, the clock, and the silent sensors.
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { DeviceHealth } from '../api.ts';
import { type BacklogTrend, nextTrend } from '../backlog-trend.ts';
import {
  backlogText,
  clockText,
  contactOf,
  droppedText,
  formatSiteTime,
  lastSeenText,
  sensorsText,
  type Tone,
} from '../device-health.ts';
import { useI18n } from '../i18n.ts';
import { StateIcon } from './state-icon.tsx';

function Fact({
  field,
  label,
  tone,
  children,
}: {
  field: string;
  label: string;
  tone: Tone;
  children: ComponentChildren;
}) {
  return (
    <div class={`device__fact device__fact--${tone}`} data-field={field} data-tone={tone}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function DeviceCard({ device, now }: { device: DeviceHealth; now: number }) {
  const { t, lang, duration } = useI18n();
  const contact = contactOf(device, now);
  // Each status the card sees moves the backlog's trend (a warning only when it keeps growing).
  const trend = useRef<BacklogTrend | undefined>(undefined);
  if (device.backlog !== null && device.status_at !== null && device.status_at !== trend.current?.at) {
    trend.current = nextTrend(trend.current, device.backlog, device.status_at);
  }
  const backlog = backlogText(device, lang, trend.current);
  const dropped = droppedText(device, lang);
  const clock = clockText(device, lang);
  const sensors = sensorsText(device, now, lang);
  const silentCount = sensors.silent.length;
  const banner =
    contact === 'stale'
      ? { title: t('deviceStale'), detail: t('deviceStaleDetail', { ago: duration(now - (device.last_seen ?? now)) }) }
      : contact === 'never'
        ? { title: t('deviceNever'), detail: t('deviceNeverDetail') }
        : contact === 'revoked'
          ? {
              title: t('deviceRevoked'),
              detail: t('deviceRevokedDetail', { time: formatSiteTime(device.revoked_at ?? now, now, lang) }),
            }
          : null;

  return (
    <article
      class={`device device--${contact}`}
      data-device={device.id}
      data-contact={contact}
      data-backlog={device.backlog ?? ''}
      data-dropped={device.dropped ?? ''}
      data-clock-corrected={clock.corrected ? 'yes' : 'no'}
      data-silent={silentCount}
      aria-labelledby={`device-${device.id}`}
    >
      <header class="device__head">
        <h2 class="device__name" id={`device-${device.id}`}>
          {device.id}
        </h2>
        <span class="device__site">{t('deviceSite', { site: device.site })}</span>
        {contact === 'ok' && (
          <span class="chip chip--ok" data-contact-chip>
            <span class="chip__dot" aria-hidden="true" />
            {t('deviceOk')}
          </span>
        )}
      </header>
      {banner && (
        <div class="device__banner" role="status" data-banner={contact}>
          <StateIcon kind="alarm" size={36} />
          <div>
            <p class="device__banner-title">{banner.title}</p>
            <p class="device__banner-detail">{banner.detail}</p>
          </div>
        </div>
      )}
      <dl class="device__facts">
        <Fact field="last-seen" label={t('fieldLastSeen')} tone={contact === 'ok' ? 'ok' : 'bad'}>
          {lastSeenText(device, now, lang)}
        </Fact>
        <Fact field="backlog" label={t('fieldBacklog')} tone={backlog.tone}>
          <span class="device__main">{backlog.text}</span>
          {backlog.rate && <span class="device__sub">{backlog.rate}</span>}
        </Fact>
        <Fact field="dropped" label={t('fieldDropped')} tone={dropped.tone}>
          <span class="device__main">{dropped.text}</span>
          {dropped.range && <span class="device__sub">{dropped.range}</span>}
        </Fact>
        <Fact field="clock" label={t('fieldClock')} tone={clock.tone}>
          {clock.headline && <span class="device__main">{clock.headline}</span>}
          <span class={clock.headline ? 'device__sub' : 'device__main'}>{clock.text}</span>
        </Fact>
        <Fact field="sensors" label={t('fieldSensors')} tone={sensors.tone}>
          <span class="device__main">{sensors.text}</span>
          {silentCount > 0 && (
            <ul class="device__silent">
              {sensors.silent.map((s) => (
                <li key={s.id} data-silent-sensor={s.id}>
                  <strong>{s.label}</strong> — {s.since}
                </li>
              ))}
            </ul>
          )}
        </Fact>
      </dl>
    </article>
  );
}
