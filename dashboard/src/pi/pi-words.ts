/**
 * @module pi/pi-words — the words only the page on the Pi uses, Spanish first, English second
 * (the tiles' words come from ../i18n.ts, the same as the dashboard's).
 */
import type { Lang } from '../format.ts';

const ES = {
  title: 'Vigía — planta',
  silence: 'Silenciar',
  silenced: 'Sonido silenciado hasta las {time} (la alarma sigue activa)',
  soundOn: 'Activar sonido',
  soundHint: 'Toque "Activar sonido" para que las alarmas suenen en este equipo',
  linkOk: 'Servidor alcanzable',
  linkDown: 'Sin conexión con el servidor',
  waiting: 'Lecturas esperando envío: {n}',
  drain: 'Envío del atraso: {rate} lecturas/s, termina en {eta}',
  lastSend: 'Último envío correcto: {time}',
  never: 'nunca',
  agentLost: 'Sin conexión con el equipo Vigía de la planta; reintentando…',
  alarmBanner: 'ALARMA: {sensors}',
  noSensors: 'Este equipo no tiene sensores configurados',
} as const;

const EN: Record<keyof typeof ES, string> = {
  title: 'Vigía — plant',
  silence: 'Silence',
  silenced: 'Sound silenced until {time} (the alarm is still active)',
  soundOn: 'Turn sound on',
  soundHint: 'Tap "Turn sound on" so alarms sound on this device',
  linkOk: 'Server reachable',
  linkDown: 'No connection to the server',
  waiting: 'Readings waiting to be sent: {n}',
  drain: 'Sending the backlog: {rate} readings/s, done in {eta}',
  lastSend: 'Last successful send: {time}',
  never: 'never',
  agentLost: 'No connection to the plant’s Vigía device; retrying…',
  alarmBanner: 'ALARM: {sensors}',
  noSensors: 'This device has no sensors configured',
};

export type PiWord = keyof typeof ES;

export function piWord(lang: Lang, key: PiWord, vars: Record<string, string | number> = {}): string {
  const text: string = (lang === 'en' ? EN : ES)[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
