/**
 * @module charts/chart-words — the chart's own words, Spanish first, English second. Kept with
 * the lazily loaded chart (not in i18n.ts) so the first load every phone pays for stays small.
 */
import { wordBook } from '../fill.ts';
import type { Lang } from '../format.ts';
import type { Preset } from './chart-state.ts';

const es = {
  titleMany: '{count} sensores',
  range: 'Periodo',
  presets: { '1h': '1 h', '24h': '24 h', '7d': '7 días', '30d': '30 días', '1y': '1 año' } as Record<Preset, string>,
  custom: 'Otro periodo',
  from: 'Desde',
  to: 'Hasta',
  apply: 'Ver',
  zoneNote: 'horas en {zone}',
  customInvalid: 'Revise las fechas: "Hasta" debe ser después de "Desde" (máximo 366 días).',
  zoomOut: 'Alejar',
  zoomHint: 'Arrastre sobre la gráfica con el ratón para acercar.',
  compare: 'Comparar con el periodo anterior',
  compareLabel: '{name} (periodo anterior)',
  addSensor: 'Añadir sensor a la gráfica',
  addNone: '— elegir —',
  remove: 'Quitar {name}',
  thirdUnit: 'No se puede añadir {name} ({unit}): la gráfica ya tiene dos unidades ({units}). Quite un sensor primero.',
  tooMany: 'Máximo {max} sensores en una gráfica.',
  loading: 'Cargando gráfica…',
  empty: 'Sin datos en este periodo',
  error: 'No se pudo cargar la gráfica. {detail}',
  breachesError: 'No se pudieron cargar los incumplimientos de este periodo: la gráfica no los muestra. {detail}',
  resolution: 'Cada punto resume {width}',
  legendBreach: 'Incumplimiento',
  legendWithdrawn: 'Incumplimiento retirado (ya no se encuentra al reevaluar)',
  legendPreview: 'Incumplimiento que el permiso en prueba habría encontrado',
  legendCorrected: 'Lectura corregida',
  legendUncertain: 'Lectura con hora o valor dudoso',
  uncertainZoom: 'Acerque la gráfica (menos de unas horas) para ver las lecturas dudosas.',
  marksTruncated: 'Hay más lecturas marcadas de las que se muestran.',
  download: 'Descargar CSV de {name}',
  downloadFormat: 'Formato del CSV',
  downloadEs: 'Español (; y coma decimal)',
  downloadEn: 'Inglés (, y punto decimal)',
  min: 'Mín.',
  max: 'Máx.',
  time: 'Hora',
};

type Words = typeof es;

const en: Words = {
  titleMany: '{count} sensors',
  range: 'Period',
  presets: { '1h': '1 h', '24h': '24 h', '7d': '7 days', '30d': '30 days', '1y': '1 year' },
  custom: 'Other period',
  from: 'From',
  to: 'To',
  apply: 'Show',
  zoneNote: 'times in {zone}',
  customInvalid: 'Check the dates: "To" must be after "From" (at most 366 days).',
  zoomOut: 'Zoom out',
  zoomHint: 'Drag across the chart with the mouse to zoom in.',
  compare: 'Compare with the previous period',
  compareLabel: '{name} (previous period)',
  addSensor: 'Add a sensor to the chart',
  addNone: '— choose —',
  remove: 'Remove {name}',
  thirdUnit: 'Cannot add {name} ({unit}): the chart already has two units ({units}). Remove a sensor first.',
  tooMany: 'At most {max} sensors on one chart.',
  loading: 'Loading chart…',
  empty: 'No data in this period',
  error: 'Could not load the chart. {detail}',
  breachesError: 'Could not load the breaches of this period: the chart does not show them. {detail}',
  resolution: 'Each point sums up {width}',
  legendBreach: 'Breach',
  legendWithdrawn: 'Withdrawn breach (no longer found on re-evaluation)',
  legendPreview: 'Breach the permit under test would have found',
  legendCorrected: 'Corrected reading',
  legendUncertain: 'Reading with a doubtful time or value',
  uncertainZoom: 'Zoom in (under a few hours) to see doubtful readings.',
  marksTruncated: 'More readings are marked than shown.',
  download: 'Download CSV of {name}',
  downloadFormat: 'CSV format',
  downloadEs: 'Spanish (; and decimal comma)',
  downloadEn: 'English (, and decimal point)',
  min: 'Min',
  max: 'Max',
  time: 'Time',
};

export function chartWords(lang: Lang) {
  return wordBook(es, en, lang);
}
