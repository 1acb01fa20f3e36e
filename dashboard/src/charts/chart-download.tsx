/**
 * @module charts/chart-download — under every chart: the raw readings of each of its sensors
 * over exactly the chart's range, as CSV (`GET /api/v1/readings`), in Spanish spreadsheet form
 * (`;`, decimal comma) or English (`,`, dot). Plain links: the browser streams the file to disk.
 */
import { useState } from 'preact/hooks';
import { readingsUrl, type SensorInfo } from '../api.ts';
import type { Lang } from '../format.ts';
import type { chartWords } from './chart-words.ts';

export function ChartDownload({
  words,
  lang,
  sensors,
  from,
  to,
}: {
  words: ReturnType<typeof chartWords>;
  lang: Lang;
  sensors: readonly SensorInfo[];
  from: number;
  to: number;
}) {
  const { t } = words;
  const [locale, setLocale] = useState<Lang>(lang);
  return (
    <div class="export chart-download" data-chart-download>
      <label>
        {t('downloadFormat')}{' '}
        <select value={locale} onChange={(e) => setLocale(e.currentTarget.value as Lang)} data-download-locale>
          <option value="es">{t('downloadEs')}</option>
          <option value="en">{t('downloadEn')}</option>
        </select>
      </label>
      {sensors.map((s) => (
        <a
          key={s.id}
          class="button button--quiet export__link"
          data-download={s.id}
          href={readingsUrl(s.id, Math.floor(from), Math.ceil(to), locale)}
          download
        >
          {t('download', { name: s.name || s.id })}
        </a>
      ))}
    </div>
  );
}
