/**
 * @module device-health — pure: the rows of `GET /api/v1/devices` (api.ts parses them with the
 * shared wire schema), merged with live `device` and `reading` events, and said in words for the Devices page (docs/api.md, "Device health").
 * Absolute times are in the site's zone (site-zone.ts), like breaches.
 */

import type { DeviceSensorHealth, LiveDevice } from '@vigia/shared';
import type { DeviceHealth } from './api.ts';
import { type BacklogTrend, growthWarning, liveWindowReadings } from './backlog-trend.ts';
import { formatDuration, formatSiteTime as formatTime, type Lang, localeFor } from './format.ts';
import { translate } from './i18n.ts';
import { siteZone } from './site-zone.ts';

/** No batch for longer than this: the card says "no contact", loudly. */
export const STALE_AFTER_MS = 2 * 60_000;
/** A clock offset beyond this was a real correction worth saying. */
export const CLOCK_CORRECTED_MS = 2000;

export type Contact = 'ok' | 'stale' | 'never' | 'revoked';

/** A live `device` event applied as the server stores it (docs/api.md, "Device health"). */
export function applyLiveDevice(d: DeviceHealth, event: LiveDevice | undefined): DeviceHealth {
  // An event older than what was fetched (the stream keeps the last one per device) changes nothing.
  if (!event || event.device !== d.id || event.last_seen < (d.last_seen ?? 0)) return d;
  const lastSeen = Math.max(d.last_seen ?? 0, event.last_seen);
  const s = event.status;
  if (!s) return { ...d, last_seen: lastSeen };
  return {
    ...d,
    last_seen: lastSeen,
    backlog: s.backlog,
    dropped: s.dropped,
    clock_offset_ms: s.clock_offset_ms ?? d.clock_offset_ms,
    dropped_from: s.dropped_from ?? d.dropped_from,
    dropped_to: s.dropped_to ?? d.dropped_to,
    backlog_rate: s.backlog_rate ?? null,
    eta_s: s.eta_s ?? null,
    status_at: event.last_seen,
  };
}

/** Newer reading times (from the live stream) applied to the device's sensors. */
export function applyReadingTimes(d: DeviceHealth, lastTs: (sensor: string) => number | undefined): DeviceHealth {
  let changed = false;
  const sensors = d.sensors.map((s) => {
    const ts = lastTs(s.id);
    if (ts === undefined || (s.last_ts !== null && s.last_ts >= ts)) return s;
    changed = true;
    return { ...s, last_ts: ts };
  });
  return changed ? { ...d, sensors } : d;
}

export function contactOf(d: DeviceHealth, now: number): Contact {
  if (d.revoked_at !== null) return 'revoked';
  if (d.last_seen === null) return 'never';
  return now - d.last_seen > STALE_AFTER_MS ? 'stale' : 'ok';
}

/** The sensors with no reading for longer than their `silent_after_ms` at `now`. */
export function silentSensors(d: DeviceHealth, now: number): DeviceSensorHealth[] {
  return d.sensors.filter((s) => s.last_ts === null || now - s.last_ts > s.silent_after_ms);
}

/** A count with a space between thousands ("2 340"), in both languages: no "." vs "," doubt. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(Math.round(n)).replace(/,/g, '\u00a0');
}

/** A coarse ETA: "45 s", "3 min" (rounded up), "1 h 10 min". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')} min`;
}

/** "hace 35 s" / "35 s ago": whole seconds under a minute, then the two largest units. */
export function formatAgo(ms: number, lang: Lang): string {
  return translate(lang, 'agoSeconds', { duration: formatDuration(ms) });
}

/** A site time: "14:05:09" today, "28/11/2026 14:05:09" another day (format.ts `formatSiteTime`). */
export function formatSiteTime(ts: number, now: number, lang: Lang): string {
  return formatTime(ts, lang, siteZone(), { style: 'clock_seconds', now });
}

/** "28/11/2026, de 14:05 a 14:07" or "del 28/11/2026 23:50 al 29/11/2026 00:10". */
export function formatRange(from: number, to: number, lang: Lang): string {
  const zone = siteZone();
  const date = (ts: number) => formatTime(ts, lang, zone, { style: 'date' });
  const time = (ts: number) => formatTime(ts, lang, zone, { style: 'clock_seconds' });
  if (date(from) === date(to)) {
    return translate(lang, 'rangeSameDay', { date: date(from), from: time(from), to: time(to) });
  }
  return translate(lang, 'rangeDays', { from: `${date(from)} ${time(from)}`, to: `${date(to)} ${time(to)}` });
}

/** The last contact: "hace 35 s (14:05:09)", or "Nunca". */
export function lastSeenText(d: DeviceHealth, now: number, lang: Lang): string {
  if (d.last_seen === null) return translate(lang, 'lastSeenNever');
  return translate(lang, 'agoTime', {
    ago: formatDuration(now - d.last_seen),
    time: formatSiteTime(d.last_seen, now, lang),
  });
}

export type Tone = 'ok' | 'warn' | 'bad' | 'unknown';

/**
 * The backlog in words, with its drain rate when draining. Not a warning while it drains or
 * holds no more than one live window; a warning (`bad`) only when `trend` says it has grown for
 * longer than GROWING_WARN_MS, saying by how much (backlog-trend.ts).
 */
export function backlogText(
  d: DeviceHealth,
  lang: Lang,
  trend?: BacklogTrend,
): { text: string; rate: string | null; tone: Tone } {
  if (d.backlog === null) return { text: translate(lang, 'statusUnknown'), rate: null, tone: 'unknown' };
  if (d.backlog === 0) return { text: translate(lang, 'backlogEmpty'), rate: null, tone: 'ok' };
  const count = formatCount(d.backlog);
  const growing = growthWarning(trend);
  if (growing) {
    const grew = { count, growth: formatCount(growing.growth), minutes: String(Math.round(growing.ms / 60_000)) };
    return { text: translate(lang, 'backlogGrowing', grew), rate: null, tone: 'bad' };
  }
  if (d.backlog <= liveWindowReadings(d.sensors.map((s) => s.interval_ms))) {
    return { text: translate(lang, 'backlogLive', { count }), rate: null, tone: 'ok' };
  }
  const rate =
    d.backlog_rate !== null && d.backlog_rate > 0
      ? translate(lang, 'backlogRate', { rate: formatCount(d.backlog_rate) })
      : null;
  if (d.eta_s !== null && d.backlog_rate !== null && d.backlog_rate > 0) {
    return { text: translate(lang, 'backlogDraining', { count, eta: formatEta(d.eta_s) }), rate, tone: 'ok' };
  }
  return { text: translate(lang, 'backlogNotDraining', { count }), rate, tone: 'warn' };
}

/** Dropped readings and the lost period in words. */
export function droppedText(d: DeviceHealth, lang: Lang): { text: string; range: string | null; tone: Tone } {
  if (d.dropped === null) return { text: translate(lang, 'statusUnknown'), range: null, tone: 'unknown' };
  if (d.dropped === 0) return { text: translate(lang, 'droppedNone'), range: null, tone: 'ok' };
  const text =
    d.dropped === 1
      ? translate(lang, 'droppedOne')
      : translate(lang, 'droppedCount', { count: formatCount(d.dropped) });
  const range =
    d.dropped_from !== null && d.dropped_to !== null
      ? translate(lang, 'droppedRange', {
          range: formatRange(d.dropped_from, d.dropped_to, lang),
          duration: formatDuration(d.dropped_to - d.dropped_from),
        })
      : translate(lang, 'droppedRangeUnknown');
  return { text, range, tone: 'bad' };
}

/** An offset as people say it: "0,3 s", "3,2 s", "2 min 05 s". */
export function formatOffset(ms: number, lang: Lang): string {
  const abs = Math.abs(ms);
  if (abs < 100) return `< ${new Intl.NumberFormat(localeFor(lang)).format(0.1)} s`;
  if (abs < 60_000) {
    return `${new Intl.NumberFormat(localeFor(lang), { maximumFractionDigits: 1 }).format(abs / 1000)} s`;
  }
  return formatDuration(abs);
}

/** The clock: unknown, on time, or corrected (|offset| > 2 s) and which way. */
export function clockText(
  d: DeviceHealth,
  lang: Lang,
): { headline: string | null; text: string; corrected: boolean; tone: Tone } {
  const ms = d.clock_offset_ms;
  if (ms === null) return { headline: null, text: translate(lang, 'clockUnknown'), corrected: false, tone: 'unknown' };
  const offset = formatOffset(ms, lang);
  if (Math.abs(ms) <= CLOCK_CORRECTED_MS) {
    return { headline: null, text: translate(lang, 'clockOk', { offset }), corrected: false, tone: 'ok' };
  }
  // offset = trusted time − the device's wall clock: positive means the wall clock was behind.
  const text = translate(lang, ms > 0 ? 'clockBehind' : 'clockAhead', { offset });
  return { headline: translate(lang, 'clockCorrected'), text, corrected: true, tone: 'warn' };
}

/** "2 de 5 sin datos" and each silent sensor with since when; or all fine. */
export function sensorsText(
  d: DeviceHealth,
  now: number,
  lang: Lang,
): { text: string; silent: { id: string; label: string; since: string }[]; tone: Tone } {
  const total = d.sensors.length;
  if (total === 0) return { text: translate(lang, 'sensorsNone'), silent: [], tone: 'unknown' };
  const silent = silentSensors(d, now);
  if (silent.length === 0) {
    return {
      text: total === 1 ? translate(lang, 'sensorsAllOkOne') : translate(lang, 'sensorsAllOk', { total }),
      silent: [],
      tone: 'ok',
    };
  }
  return {
    text: translate(lang, 'sensorsSilent', { silent: silent.length, total }),
    silent: silent.map((s) => ({
      id: s.id,
      label: s.name ?? s.id,
      since:
        s.last_ts === null
          ? translate(lang, 'sensorSilentNever')
          : translate(lang, 'sensorSilentSince', { time: formatSiteTime(s.last_ts, now, lang) }),
    })),
    tone: 'bad',
  };
}
