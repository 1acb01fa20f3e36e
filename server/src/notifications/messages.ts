/**
 * @module notifications/messages
 * Pure: the subject and plain-text body of each notification e-mail, in the recipient's language.
 * Times go through the reports' site-time helpers (reports/format.ts) in the site's zone, with
 * its UTC offset, so a reader in another zone still reads the right instant. Plain text only:
 * no HTML to escape, and user-given names (site, rule, sensor) are quoted as they are.
 */
import type { NotifyLang } from '../meta/notifications.ts';
import { durationText, localTime, numberText, offsetText } from '../reports/format.ts';

export type Mail = { subject: string; text: string };

/** What a breach/alarm e-mail says; `limit` and `peak` in `unit`. */
export type BreachFacts = {
  alarm: boolean;
  siteId: string;
  siteName: string | null;
  timeZone: string;
  permit: string;
  rule: string;
  sensor: string;
  start: number;
  peak: number;
  limit: number;
  unit: string | null;
  link: string;
};

export type SilenceFacts = {
  siteId: string;
  siteName: string | null;
  timeZone: string;
  device: string;
  /** Newest reading from any of its sensors. */
  lastTs: number;
  /** How long without a reading counts as silent (the longest of its sensors'). */
  silentAfterMs: number;
  link: string;
};

const TEXTS = {
  es: {
    breach: 'Incumplimiento',
    alarm: 'Alarma',
    opened: 'abierto',
    alarmOpened: 'abierta',
    site: 'Sitio',
    sensor: 'Sensor',
    rule: 'Regla',
    permit: 'Permiso',
    value: 'Valor máximo',
    limit: 'Límite',
    since: 'Desde',
    open: 'Ver en Vigía',
    silentSubject: 'Equipo sin datos',
    device: 'Equipo',
    lastReading: 'Última lectura',
    silentAfter: 'Se considera sin datos tras',
    silentHint: 'Revise la alimentación, la conexión y los sensores del equipo.',
    devicesPage: 'Ver equipos en Vigía',
    footer: 'Recibe este correo porque lo pidió en Vigía (Notificaciones). Puede cambiarlo allí.',
  },
  en: {
    breach: 'Breach',
    alarm: 'Alarm',
    opened: 'opened',
    alarmOpened: 'opened',
    site: 'Site',
    sensor: 'Sensor',
    rule: 'Rule',
    permit: 'Permit',
    value: 'Peak value',
    limit: 'Limit',
    since: 'Since',
    open: 'Open in Vigía',
    silentSubject: 'Device gone silent',
    device: 'Device',
    lastReading: 'Last reading',
    silentAfter: 'Counted as silent after',
    silentHint: "Check the device's power, link and sensors.",
    devicesPage: 'See devices in Vigía',
    footer: 'You get this e-mail because you asked for it in Vigía (Notifications). You can change that there.',
  },
} as const;

const siteLabel = (id: string, name: string | null) => (name && name !== id ? `${name} (${id})` : id);
const timeText = (ts: number, zone: string) => `${localTime(ts, zone)} (UTC${offsetText(ts, zone)}, ${zone})`;

export function breachMail(lang: NotifyLang, f: BreachFacts): Mail {
  const tx = TEXTS[lang];
  const unit = f.unit ? ` ${f.unit}` : '';
  const site = siteLabel(f.siteId, f.siteName);
  const what = f.alarm ? `${tx.alarm} ${tx.alarmOpened}` : `${tx.breach} ${tx.opened}`;
  const subject = `[Vigía] ${what}: ${f.rule} · ${f.sensor} · ${site}`;
  const text = [
    `${what}.`,
    '',
    `${tx.site}: ${site}`,
    `${tx.sensor}: ${f.sensor}`,
    `${tx.rule}: ${f.rule} (${tx.permit} ${f.permit})`,
    `${tx.value}: ${numberText(f.peak, lang)}${unit}`,
    `${tx.limit}: ${numberText(f.limit, lang)}${unit}`,
    `${tx.since}: ${timeText(f.start, f.timeZone)}`,
    '',
    `${tx.open}: ${f.link}`,
    '',
    '-- ',
    tx.footer,
  ].join('\n');
  return { subject, text };
}

export function silenceMail(lang: NotifyLang, f: SilenceFacts): Mail {
  const tx = TEXTS[lang];
  const site = siteLabel(f.siteId, f.siteName);
  const subject = `[Vigía] ${tx.silentSubject}: ${f.device} · ${site}`;
  const text = [
    `${tx.silentSubject}.`,
    '',
    `${tx.site}: ${site}`,
    `${tx.device}: ${f.device}`,
    `${tx.lastReading}: ${timeText(f.lastTs, f.timeZone)}`,
    `${tx.silentAfter}: ${durationText(f.silentAfterMs)}`,
    tx.silentHint,
    '',
    `${tx.devicesPage}: ${f.link}`,
    '',
    '-- ',
    tx.footer,
  ].join('\n');
  return { subject, text };
}
