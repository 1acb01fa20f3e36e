/**
 * @module i18n — every string the dashboard shows, Spanish first, English second.
 * Quantity labels come from the shared units table; numbers and times go through format.ts
 * (Intl). The chosen language is kept in localStorage; nothing else is stored.
 * Mostly the two dictionaries: a data table, long by nature (docs/design.md C13).
 */
import { QUANTITIES, type QuantityInfo } from '@vigia/shared';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatDuration, formatLimit, formatSiteTime, formatUnit, formatValue, type Lang, zoneName } from './format.ts';
import { siteZone } from './site-zone.ts';

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
  noSites: 'Ningún sitio asignado (pida acceso a un administrador)',
  sensorsTitle: 'Sensores',
  loadingSensors: 'Cargando sensores…',
  noSensors: 'Aún no hay sensores. Aparecerán cuando el equipo de la planta envíe datos.',
  sensorsError: 'No se pudieron cargar los sensores. {detail}',
  retry: 'Reintentar',
  staleSince: 'Sin datos desde {time}',
  limitsStale: 'Estado de los límites sin actualizar desde {time}: revise la conexión. Lo que ve puede no ser actual.',
  limitsNeverLoaded: 'No se pudo cargar el estado de los límites: revise la conexión.',
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
  navLabel: 'Secciones',
  navLive: 'En vivo',
  navBreaches: 'Incumplimientos',
  navReport: 'Informe',
  navSites: 'Sitios',
  sitesTitle: 'Sitios',
  sitesIntro:
    'Nombre y zona horaria de cada sitio. Los días, los informes y todas las horas del tablero usan la zona del sitio.',
  sitesLoading: 'Cargando sitios…',
  sitesEmpty: 'Aún no hay sitios: se crean con su primer equipo («vigia-server device add»).',
  sitesError: 'No se pudieron cargar los sitios. {detail}',
  sitesForbidden: 'Solo un administrador puede cambiar los sitios.',
  siteName: 'Nombre',
  siteZone: 'Zona horaria (IANA, p. ej. America/Bogota)',
  siteSave: 'Guardar',
  siteSaved: 'Guardado.',
  siteSaveFailed: 'No se guardó. {detail}',
  alarmHeadline: 'ALARMA',
  alarmDetail: 'Fuera de límite de seguridad',
  breachHeadline: 'Fuera de límite del permiso',
  breachSince: 'Desde {time}',
  rulePending: 'Fuera de límite — esperando {duration}',
  rulePendingNow: 'Fuera de límite — confirmando',
  ruleClearing: 'Dentro del límite — confirmando cierre ({duration})',
  ruleClearingNow: 'Dentro del límite — confirmando cierre',
  ruleNoData: 'Sin datos',
  ruleWaitingUnit: 'Esperando la unidad del sensor: el equipo aún no la envió',
  limitLabel: 'Límite',
  limitsTitle: 'Límites',
  sourceMissing: 'fuente no indicada',
  severityAlarm: 'Alarma de seguridad',
  severityBreach: 'Límite del permiso',
  breachesTitle: 'Incumplimientos',
  monthLabel: 'Mes',
  monthPrev: 'Mes anterior',
  monthNext: 'Mes siguiente',
  siteTimeNote: 'Horas en {zone}.',
  breachesLoading: 'Cargando incumplimientos…',
  breachesEmpty: 'Ningún incumplimiento en {month}.',
  breachesCount: '{count} en {month}',
  breachesWithdrawnCount: '· Retirados: {count} (tachados abajo)',
  breachesError: 'No se pudieron cargar los incumplimientos. {detail}',
  fieldSensor: 'Sensor',
  fieldRule: 'Regla',
  fieldSource: 'Fuente',
  fieldPeriod: 'Periodo',
  fieldDuration: 'Duración',
  fieldPeak: 'Pico',
  fieldState: 'Estado',
  fieldAck: 'Acuse de recibo',
  peakVsLimit: '{peak} (límite {limit})',
  ongoing: 'en curso',
  stateOpen: 'Abierto',
  stateClosed: 'Cerrado',
  stateWithdrawn: 'Retirado',
  fieldAvailability: 'Datos disponibles',
  availabilityValue: '{percent} % del periodo',
  withdrawnBecause: 'Retirado el {at}: {reason}. Se conserva como registro; ya no cuenta como incumplimiento.',
  withdrawnLateData: 'llegaron datos tardíos de {sensor} ({range}) y la reevaluación ya no lo encuentra',
  withdrawnCorrection: 'una corrección de lecturas de {sensor} ({range}) y la reevaluación ya no lo encuentra',
  withdrawnMerged: 'se unió al incumplimiento n.º {into}',
  withdrawnOther: 'la reevaluación ({reason}) ya no lo encuentra',
  ackBy: '{by}, {at}',
  ackNone: 'Sin acuse de recibo',
  ackButton: 'Acusar recibo',
  ackNote: 'Nota (obligatoria)',
  ackSave: 'Guardar acuse',
  ackSaving: 'Guardando…',
  ackCancel: 'Cancelar',
  ackNoteMissing: 'Escriba una nota: qué pasó o qué se hizo.',
  ackForbidden: 'Su usuario no puede acusar recibo. Pídalo a un oficial ambiental o a un administrador.',
  ackConflict: 'Este incumplimiento ya tenía acuse de recibo. Se muestra el que quedó guardado.',
  ackNotFound: 'Este incumplimiento ya no está en el servidor. Recargue la lista.',
  ackFailed: 'No se guardó el acuse de recibo. {detail}',
  errorNotAvailable: 'El servidor aún no ofrece esta función.',
  errorRejected: 'El servidor rechazó la solicitud: {detail}',
  reportTitle: 'Informe mensual de cumplimiento',
  reportIntro:
    'Para la autoridad ambiental: reglas con su fuente, disponibilidad de datos por día, incumplimientos con su duración y acuse de recibo.',
  reportLang: 'Idioma del informe',
  reportPeriod: 'Del {from} al {to} ({zone}).',
  reportCsv: 'Descargar CSV',
  reportHtml: 'Abrir versión para imprimir',
  reportForbidden: 'Solo los oficiales ambientales y los administradores pueden descargar el informe.',
  langEs: 'Español',
  langEn: 'English',
  navDevices: 'Equipos',
  devicesTitle: 'Equipos de campo',
  devicesIntro:
    'Si los datos llegan al servidor, la cola del equipo, lecturas perdidas, el reloj y los sensores callados.',
  devicesLoading: 'Cargando equipos…',
  devicesEmpty: 'Aún no hay equipos registrados. Se agregan con «vigia-server device add».',
  devicesError: 'No se pudieron cargar los equipos. {detail}',
  deviceSite: 'Sitio {site}',
  deviceOk: 'Conectado',
  deviceStale: 'SIN CONTACTO',
  deviceStaleDetail: 'No llegan datos hace {ago}. Revise energía, red y el agente del equipo.',
  deviceNever: 'NUNCA SE HA CONECTADO',
  deviceNeverDetail:
    'El servidor no ha recibido ningún lote de este equipo. Revise el token y la dirección del servidor.',
  deviceRevoked: 'TOKEN REVOCADO',
  deviceRevokedDetail: 'El servidor rechaza este equipo desde {time}.',
  fieldLastSeen: 'Último contacto',
  fieldBacklog: 'Cola de envío',
  fieldDropped: 'Lecturas perdidas',
  fieldClock: 'Reloj',
  fieldSensors: 'Sensores',
  agoSeconds: 'hace {duration}',
  agoTime: 'hace {ago} ({time})',
  lastSeenNever: 'Nunca',
  statusUnknown: 'El equipo aún no ha informado su estado',
  statusAsOf: 'según el informe de hace {ago}',
  backlogEmpty: 'Sin lecturas en cola: todo enviado',
  backlogDraining: '{count} lecturas en cola — se vacía en ~{eta}',
  backlogNotDraining: '{count} lecturas en cola — no se está vaciando',
  backlogOne: '1 lectura en cola',
  backlogRate: 'Enviando {rate} lecturas/s',
  droppedNone: 'Ninguna lectura perdida',
  droppedCount: '{count} lecturas perdidas por falta de espacio en el equipo',
  droppedOne: '1 lectura perdida por falta de espacio en el equipo',
  droppedRange: 'Se perdió el periodo {range} ({duration})',
  droppedRangeUnknown: 'El equipo no informó qué periodo se perdió',
  rangeSameDay: '{date}, de {from} a {to}',
  rangeDays: 'del {from} al {to}',
  clockUnknown: 'Sin dato de hora confiable aún',
  clockOk: 'En hora (diferencia {offset})',
  clockCorrected: 'Reloj corregido',
  clockBehind: 'El reloj del equipo estaba {offset} atrasado; las lecturas llevan la hora corregida',
  clockAhead: 'El reloj del equipo estaba {offset} adelantado; las lecturas llevan la hora corregida',
  sensorsNone: 'Sin sensores registrados',
  sensorsAllOk: 'Los {total} envían datos',
  sensorsAllOkOne: 'El sensor envía datos',
  sensorsSilent: '{silent} de {total} sin datos',
  sensorSilentSince: 'desde {time}',
  sensorSilentNever: 'nunca ha enviado',
  siteTimes: 'Horas en {zone}. Sin contacto: más de 2 min sin lotes.',
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
  noSites: 'No site assigned (ask an administrator for access)',
  sensorsTitle: 'Sensors',
  loadingSensors: 'Loading sensors…',
  noSensors: 'No sensors yet. They appear once the plant device sends data.',
  sensorsError: 'Could not load the sensors. {detail}',
  retry: 'Retry',
  staleSince: 'No data since {time}',
  limitsStale: 'Limit states not updated since {time}: check the connection. What you see may not be current.',
  limitsNeverLoaded: 'Could not load the limit states: check the connection.',
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
  navLabel: 'Sections',
  navLive: 'Live',
  navBreaches: 'Breaches',
  navReport: 'Report',
  navSites: 'Sites',
  sitesTitle: 'Sites',
  sitesIntro: "Each site's name and time zone. Days, reports and every time on the dashboard use the site's zone.",
  sitesLoading: 'Loading sites…',
  sitesEmpty: 'No sites yet: a site is created with its first device ("vigia-server device add").',
  sitesError: 'Could not load the sites. {detail}',
  sitesForbidden: 'Only an administrator can change sites.',
  siteName: 'Name',
  siteZone: 'Time zone (IANA, e.g. America/Bogota)',
  siteSave: 'Save',
  siteSaved: 'Saved.',
  siteSaveFailed: 'Not saved. {detail}',
  alarmHeadline: 'ALARM',
  alarmDetail: 'Outside the safety limit',
  breachHeadline: 'Outside the permit limit',
  breachSince: 'Since {time}',
  rulePending: 'Outside the limit — waiting {duration}',
  rulePendingNow: 'Outside the limit — confirming',
  ruleClearing: 'Back inside the limit — confirming ({duration})',
  ruleClearingNow: 'Back inside the limit — confirming',
  ruleNoData: 'No data',
  ruleWaitingUnit: "Waiting for the sensor's unit: the device has not sent it yet",
  limitLabel: 'Limit',
  limitsTitle: 'Limits',
  sourceMissing: 'source not given',
  severityAlarm: 'Safety alarm',
  severityBreach: 'Permit limit',
  breachesTitle: 'Breaches',
  monthLabel: 'Month',
  monthPrev: 'Previous month',
  monthNext: 'Next month',
  siteTimeNote: 'Times in {zone}.',
  breachesLoading: 'Loading breaches…',
  breachesEmpty: 'No breaches in {month}.',
  breachesCount: '{count} in {month}',
  breachesWithdrawnCount: '· Withdrawn: {count} (struck through below)',
  breachesError: 'Could not load the breaches. {detail}',
  fieldSensor: 'Sensor',
  fieldRule: 'Rule',
  fieldSource: 'Source',
  fieldPeriod: 'Period',
  fieldDuration: 'Duration',
  fieldPeak: 'Peak',
  fieldState: 'State',
  fieldAck: 'Acknowledgement',
  peakVsLimit: '{peak} (limit {limit})',
  ongoing: 'ongoing',
  stateOpen: 'Open',
  stateClosed: 'Closed',
  stateWithdrawn: 'Withdrawn',
  fieldAvailability: 'Data available',
  availabilityValue: '{percent} % of the period',
  withdrawnBecause: 'Withdrawn on {at}: {reason}. Kept as a record; it no longer counts as a breach.',
  withdrawnLateData: 'late data from {sensor} ({range}) came in and re-evaluation no longer finds it',
  withdrawnCorrection: 'a correction of readings from {sensor} ({range}) and re-evaluation no longer finds it',
  withdrawnMerged: 'merged into breach no. {into}',
  withdrawnOther: 're-evaluation ({reason}) no longer finds it',
  ackBy: '{by}, {at}',
  ackNone: 'Not acknowledged',
  ackButton: 'Acknowledge',
  ackNote: 'Note (required)',
  ackSave: 'Save acknowledgement',
  ackSaving: 'Saving…',
  ackCancel: 'Cancel',
  ackNoteMissing: 'Write a note: what happened or what was done.',
  ackForbidden: 'Your user cannot acknowledge breaches. Ask an environmental officer or an administrator.',
  ackConflict: 'This breach was already acknowledged. The stored acknowledgement is shown.',
  ackNotFound: 'This breach is no longer on the server. Reload the list.',
  ackFailed: 'The acknowledgement was not saved. {detail}',
  errorNotAvailable: 'The server does not offer this yet.',
  errorRejected: 'The server refused the request: {detail}',
  reportTitle: 'Monthly compliance report',
  reportIntro:
    'For the environmental authority: rules with their source, data availability per day, breaches with their duration and acknowledgement.',
  reportLang: 'Report language',
  reportPeriod: 'From {from} to {to} ({zone}).',
  reportCsv: 'Download CSV',
  reportHtml: 'Open the printable version',
  reportForbidden: 'Only environmental officers and administrators can download the report.',
  langEs: 'Español',
  langEn: 'English',
  navDevices: 'Devices',
  devicesTitle: 'Field devices',
  devicesIntro: 'Whether data reaches the server, the device backlog, dropped readings, the clock and silent sensors.',
  devicesLoading: 'Loading devices…',
  devicesEmpty: 'No devices registered yet. Add one with "vigia-server device add".',
  devicesError: 'Could not load the devices. {detail}',
  deviceSite: 'Site {site}',
  deviceOk: 'Connected',
  deviceStale: 'NO CONTACT',
  deviceStaleDetail: 'No data for {ago}. Check power, network and the device agent.',
  deviceNever: 'NEVER CONNECTED',
  deviceNeverDetail: 'The server has not received any batch from this device. Check the token and the server address.',
  deviceRevoked: 'TOKEN REVOKED',
  deviceRevokedDetail: 'The server refuses this device since {time}.',
  fieldLastSeen: 'Last contact',
  fieldBacklog: 'Send queue',
  fieldDropped: 'Dropped readings',
  fieldClock: 'Clock',
  fieldSensors: 'Sensors',
  agoSeconds: '{duration} ago',
  agoTime: '{ago} ago ({time})',
  lastSeenNever: 'Never',
  statusUnknown: 'The device has not reported its status yet',
  statusAsOf: 'as reported {ago} ago',
  backlogEmpty: 'Nothing queued: all sent',
  backlogDraining: '{count} readings queued — drains in ~{eta}',
  backlogNotDraining: '{count} readings queued — not draining',
  backlogOne: '1 reading queued',
  backlogRate: 'Sending {rate} readings/s',
  droppedNone: 'No readings dropped',
  droppedCount: '{count} readings dropped: the device ran out of space',
  droppedOne: '1 reading dropped: the device ran out of space',
  droppedRange: 'Lost the period {range} ({duration})',
  droppedRangeUnknown: 'The device did not report which period was lost',
  rangeSameDay: '{date}, from {from} to {to}',
  rangeDays: 'from {from} to {to}',
  clockUnknown: 'No trusted time yet',
  clockOk: 'On time (off by {offset})',
  clockCorrected: 'Clock corrected',
  clockBehind: 'The device clock was {offset} behind; readings carry the corrected time',
  clockAhead: 'The device clock was {offset} ahead; readings carry the corrected time',
  sensorsNone: 'No sensors registered',
  sensorsAllOk: 'All {total} are sending data',
  sensorsAllOkOne: 'The sensor is sending data',
  sensorsSilent: '{silent} of {total} silent',
  sensorSilentSince: 'since {time}',
  sensorSilentNever: 'never sent',
  siteTimes: 'Times in {zone}. No contact: no batch for over 2 min.',
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
  /** A clock time in the site's zone, naming it: "14:05 (hora de Bogotá)". */
  clock: (ts: number, now: number) => string;
  /** A limit as written in a permit ("6", "0,5"). */
  limit: (value: number) => string;
  /** Date and time in the site's zone (the page says which once: `zone`). */
  siteDateTime: (ts: number) => string;
  /** The site's zone for people: "hora de Bogotá". */
  zone: () => string;
  duration: (ms: number) => string;
};

export function makeI18n(lang: Lang): I18n {
  return {
    lang,
    t: (key, vars) => translate(lang, key, vars),
    quantity: (q) => quantityLabel(lang, q),
    value: (v) => formatValue(v, lang),
    unit: formatUnit,
    clock: (ts, now) => formatSiteTime(ts, lang, siteZone(), { style: 'clock', now, named: true }),
    limit: (v) => formatLimit(v, lang),
    siteDateTime: (ts) => formatSiteTime(ts, lang, siteZone(), { style: 'datetime' }),
    zone: () => zoneName(siteZone(), lang),
    duration: formatDuration,
  };
}

export const I18nContext = createContext<I18n>(makeI18n('es'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
