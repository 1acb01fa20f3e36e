/**
 * @module i18n — every string the dashboard shows, Spanish first, English second.
 * Quantity labels come from the shared units table; numbers and times go through format.ts
 * (Intl). The chosen language is kept in localStorage; nothing else is stored.
 */
import { QUANTITIES, type QuantityInfo } from '@vigia/shared';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatClock, formatUnit, formatValue, type Lang } from './format.ts';

export type { Lang } from './format.ts';

const es = {
  appName: 'Vigía',
  loginTitle: 'Entrar a Vigía',
  loginUser: 'Usuario',
  loginPassword: 'Contraseña',
  loginSubmit: 'Entrar',
  loginBusy: 'Entrando…',
  loginBadCredentials: 'Usuario o contraseña incorrectos. Revise e intente de nuevo.',
  loginMissing: 'Escriba el usuario y la contraseña.',
  errorOffline: 'No hay conexión con el servidor. Revise la señal e intente de nuevo.',
  errorServer: 'El servidor respondió con un error ({status}). Intente de nuevo en un momento.',
  logout: 'Salir',
  languageSwitch: 'English',
  languageSwitchLabel: 'Cambiar idioma a inglés',
  liveOpen: 'En vivo',
  liveConnecting: 'Conectando…',
  liveRetrying: 'Sin conexión — reintentando',
  siteLabel: 'Sitio',
  allSites: 'Todos los sitios',
  sensorsTitle: 'Sensores',
  loadingSensors: 'Cargando sensores…',
  noSensors: 'Aún no hay sensores. Aparecerán cuando el equipo de la planta envíe datos.',
  sensorsError: 'No se pudieron cargar los sensores. {detail}',
  retry: 'Reintentar',
  staleSince: 'Sin datos desde {time}',
  neverReceived: 'Nunca se han recibido datos',
  qualityUncertain: 'Dato dudoso',
  qualityBad: 'Falla del sensor',
  chartTitle: '{name} — última hora',
  chartLoading: 'Cargando gráfica…',
  chartEmpty: 'Sin datos en la última hora',
  chartError: 'No se pudo cargar la gráfica. {detail}',
  seriesTime: 'Hora',
  seriesMean: 'Promedio',
  seriesMin: 'Mínimo',
  seriesMax: 'Máximo',
  selectHint: 'Toque un sensor para ver su gráfica.',
};

type Messages = typeof es;
export type MessageKey = keyof Messages;

const en: Messages = {
  appName: 'Vigía',
  loginTitle: 'Sign in to Vigía',
  loginUser: 'User',
  loginPassword: 'Password',
  loginSubmit: 'Sign in',
  loginBusy: 'Signing in…',
  loginBadCredentials: 'Wrong user or password. Check them and try again.',
  loginMissing: 'Enter the user and the password.',
  errorOffline: 'Cannot reach the server. Check the signal and try again.',
  errorServer: 'The server answered with an error ({status}). Try again in a moment.',
  logout: 'Sign out',
  languageSwitch: 'Español',
  languageSwitchLabel: 'Switch language to Spanish',
  liveOpen: 'Live',
  liveConnecting: 'Connecting…',
  liveRetrying: 'Offline — retrying',
  siteLabel: 'Site',
  allSites: 'All sites',
  sensorsTitle: 'Sensors',
  loadingSensors: 'Loading sensors…',
  noSensors: 'No sensors yet. They appear once the plant device sends data.',
  sensorsError: 'Could not load the sensors. {detail}',
  retry: 'Retry',
  staleSince: 'No data since {time}',
  neverReceived: 'No data ever received',
  qualityUncertain: 'Uncertain value',
  qualityBad: 'Sensor fault',
  chartTitle: '{name} — last hour',
  chartLoading: 'Loading chart…',
  chartEmpty: 'No data in the last hour',
  chartError: 'Could not load the chart. {detail}',
  seriesTime: 'Time',
  seriesMean: 'Mean',
  seriesMin: 'Minimum',
  seriesMax: 'Maximum',
  selectHint: 'Tap a sensor to see its chart.',
};

const MESSAGES: Record<Lang, Messages> = { es, en };

/** `translate('es', 'staleSince', { time: '14:05' })` → "Sin datos desde 14:05". */
export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The people's name of a quantity ("Caudal" / "Flow"); an unknown quantity shows its id. */
export function quantityLabel(lang: Lang, quantity: string): string {
  const info = (QUANTITIES as Record<string, QuantityInfo>)[quantity];
  return info ? info[lang] : quantity;
}

const STORAGE_KEY = 'vigia.lang';

/** The saved language, Spanish when none was chosen (or storage is unavailable). */
export function loadLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'es';
  } catch {
    return 'es';
  }
}

export function saveLang(lang: Lang): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or a full disk: the choice just lasts for this visit.
  }
  if (globalThis.document) document.documentElement.lang = lang;
}

/** What components get from `useI18n()`: the language and its formatters. */
export type I18n = {
  lang: Lang;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  quantity: (quantity: string) => string;
  value: (value: number) => string;
  unit: (unit: string) => string;
  clock: (ts: number, now: number) => string;
};

export function makeI18n(lang: Lang): I18n {
  return {
    lang,
    t: (key, vars) => translate(lang, key, vars),
    quantity: (q) => quantityLabel(lang, q),
    value: (v) => formatValue(v, lang),
    unit: formatUnit,
    clock: (ts, now) => formatClock(ts, now, lang),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('es'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
