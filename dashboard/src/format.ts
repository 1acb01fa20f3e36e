/**
 * @module format — pure formatting of values, units and clock times for people.
 * Uses Intl with the UI language's locale (es-CO writes 7,25; en-US writes 7.25).
 * Never touches the DOM or storage, so it runs unchanged under vitest in Node.
 */

export type Lang = 'es' | 'en';

/** The Intl locale for a UI language: Colombian Spanish, or US English. */
export function localeFor(lang: Lang): string {
  return lang === 'es' ? 'es-CO' : 'en-US';
}

/**
 * Fraction digits for a reading: fixed per magnitude so a live value does not jump in width
 * (7,10 then 7,12 rather than 7,1 then 7,12).
 */
export function fractionDigitsFor(value: number): number {
  const abs = Math.abs(value);
  if (abs >= 1000) return 0;
  if (abs >= 100) return 1;
  if (abs >= 1 || abs === 0) return 2;
  return 3;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A reading formatted for the language, e.g. `formatValue(7.25, 'es')` → `"7,25"`. */
export function formatValue(value: number, lang: Lang, digits = fractionDigitsFor(value)): string {
  const key = `${lang}:${digits}`;
  let fmt = numberFormats.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(localeFor(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, fmt);
  }
  // -0 would print as "-0,00".
  return fmt.format(value === 0 ? 0 : value);
}

/** Axis tick labels: as many digits as the tick step needs, no more. */
export function formatTick(value: number, step: number, lang: Lang): string {
  const digits = step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  return formatValue(value, lang, digits);
}

/** The wire units as people write them (m3/h → m³/h, degC → °C). Unknown units pass through. */
const UNIT_DISPLAY: Record<string, string> = {
  'm3/h': 'm³/h',
  'm3/min': 'm³/min',
  'm3/s': 'm³/s',
  m3: 'm³',
  degC: '°C',
  'uS/cm': 'µS/cm',
  'ug/m3': 'µg/m³',
  '%vol': '% vol',
  '%LEL': '% LEL',
};

export function formatUnit(unit: string): string {
  return UNIT_DISPLAY[unit] ?? unit;
}

/** A limit as written in a permit: no forced decimals ("6", "0,5", "25"). */
export function formatLimit(value: number, lang: Lang): string {
  return new Intl.NumberFormat(localeFor(lang), { maximumFractionDigits: 3 }).format(value === 0 ? 0 : value);
}

/** Zones people know by another spelling than the IANA city (accents). */
const ZONE_CITIES: Record<string, string> = { 'America/Bogota': 'Bogotá', 'America/Mexico_City': 'Ciudad de México' };

/**
 * The zone said for people: "hora de Bogotá" / "Bogotá time"; "UTC" as is; otherwise the IANA
 * name's city ("America/Lima" → "hora de Lima").
 */
export function zoneName(timeZone: string, lang: Lang): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  const city = ZONE_CITIES[timeZone] ?? (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
  return lang === 'es' ? `hora de ${city}` : `${city} time`;
}

export type TimeStyle = 'clock' | 'clock_seconds' | 'date' | 'datetime';

const TIME = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
const DATE = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;
const PARTS = {
  time: TIME,
  time_s: { ...TIME, second: '2-digit' },
  day: { day: '2-digit', month: '2-digit' },
  date: DATE,
  datetime: { ...DATE, ...TIME },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: Lang, timeZone: string, part: keyof typeof PARTS): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${part}`;
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(localeFor(lang), { ...PARTS[part], timeZone });
    timeFormats.set(key, f);
  }
  return f;
}

/**
 * Every time the dashboard shows goes through here: 24-hour, in the site's zone (never the
 * browser's), and with `named` the zone said after it ("14:05 (hora de Bogotá)").
 * - `clock`: "14:05" on the day of `now`, "28/11 14:05" another day (an old silence reads old);
 * - `clock_seconds`: "14:05:09", "28/11/2026 14:05:09" another day;
 * - `date`: "30/11/2026"; `datetime`: "30/11/2026, 22:30".
 * @example formatSiteTime(Date.UTC(2026, 10, 29, 19, 5), 'es', 'America/Bogota', { style: 'clock', named: true }) // "14:05 (hora de Bogotá)"
 */
export function formatSiteTime(
  ts: number,
  lang: Lang,
  timeZone: string,
  o: { style: TimeStyle; now?: number; named?: boolean },
): string {
  const now = o.now ?? ts;
  let text: string;
  if (o.style === 'clock') {
    const day = fmt(lang, timeZone, 'day');
    const sameDay = day.format(ts) === day.format(now) && Math.abs(now - ts) < 86_400_000;
    const time = fmt(lang, timeZone, 'time').format(ts);
    text = sameDay ? time : `${day.format(ts)} ${time}`;
  } else if (o.style === 'clock_seconds') {
    const date = fmt(lang, timeZone, 'date');
    const time = fmt(lang, timeZone, 'time_s').format(ts);
    text = date.format(ts) === date.format(now) ? time : `${date.format(ts)} ${time}`;
  } else {
    text = fmt(lang, timeZone, o.style).format(ts);
  }
  return o.named ? `${text} (${zoneName(timeZone, lang)})` : text;
}

/**
 * A duration for people, the two largest units, rounded down: "45 s", "5 min", "2 h 05 min",
 * "3 d 4 h". Under a second is "0 s"; negative counts as zero.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return sec > 0 ? `${m} min ${String(sec).padStart(2, '0')} s` : `${m} min`;
  return `${sec} s`;
}
