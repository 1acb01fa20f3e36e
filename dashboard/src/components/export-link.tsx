/**
 * @module export-link — under every chart: download the sensor's raw readings as CSV over a
 * chosen period ending now (GET /api/v1/readings). A plain link, so the browser streams the file
 * to disk and the page never holds it; the CSV follows the page language (`es`: `;` and decimal
 * comma for Spanish spreadsheets). The link is built when tapped, so "now" is the tap's time.
 */
import { useState } from 'preact/hooks';
import { readingsUrl, serverNow } from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.ts';

const PERIODS: readonly [MessageKey, number][] = [
  ['exportHour', 3_600_000],
  ['exportDay', 86_400_000],
  ['exportWeek', 7 * 86_400_000],
  ['exportMonth', 30 * 86_400_000],
];

export function ExportLink({ sensor }: { sensor: string }) {
  const i18n = useI18n();
  const [period, setPeriod] = useState(PERIODS[1][1]);
  const [href, setHref] = useState('');
  const refresh = () => {
    const to = serverNow();
    setHref(readingsUrl(sensor, to - period, to, i18n.lang));
  };
  return (
    <p class="export" data-export={sensor}>
      <select
        class="export__period"
        aria-label={i18n.t('exportRange')}
        value={period}
        onChange={(e) => setPeriod(Number((e.target as HTMLSelectElement).value))}
      >
        {PERIODS.map(([key, ms]) => (
          <option key={key} value={ms}>
            {i18n.t(key)}
          </option>
        ))}
      </select>{' '}
      <a
        class="button button--quiet export__link"
        href={href || readingsUrl(sensor, serverNow() - period, serverNow(), i18n.lang)}
        download
        onPointerDown={refresh}
        onFocus={refresh}
      >
        {i18n.t('exportLabel')}
      </a>
    </p>
  );
}
