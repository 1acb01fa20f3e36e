/**
 * @module report-page — the monthly compliance report: pick the month and the report's
 * language, then download the CSV or open the printable HTML. Links, not fetches: the browser
 * downloads or opens them with the session cookie. Months are in the site's zone (site-zone.ts).
 */
import { useState } from 'preact/hooks';
import { type Me, reportUrl, serverNow } from '../api.ts';
import { MonthPicker } from '../components/month-picker.tsx';
import { type Lang, useI18n } from '../i18n.ts';
import { currentMonth, monthRange } from '../month.ts';

const REPORT_ROLES = new Set(['officer', 'admin']);

export function ReportPage({ me }: { me: Me }) {
  const i18n = useI18n();
  const { t } = i18n;
  const thisMonth = currentMonth(serverNow());
  const [month, setMonth] = useState(thisMonth);
  const [lang, setLang] = useState<Lang>(i18n.lang);
  const { from, to } = monthRange(month);
  const allowed = REPORT_ROLES.has(me.role);

  return (
    <main class="main main--narrow" data-page="report">
      <div class="page-head">
        <h1 class="page-head__title">{t('reportTitle')}</h1>
        <p class="page-head__note">{t('reportIntro')}</p>
      </div>
      <section class="card card--wide report">
        <MonthPicker month={month} max={thisMonth} onChange={setMonth} />
        <fieldset class="report__lang">
          <legend class="field__label">{t('reportLang')}</legend>
          {(['es', 'en'] as const).map((l) => (
            <label key={l} class="report__choice">
              <input type="radio" name="report-lang" value={l} checked={lang === l} onChange={() => setLang(l)} />
              {l === 'es' ? t('langEs') : t('langEn')}
            </label>
          ))}
        </fieldset>
        <p class="report__period">
          {t('reportPeriod', { from: i18n.siteDateTime(from), to: i18n.siteDateTime(to - 60_000), zone: i18n.zone() })}
        </p>
        {allowed ? (
          <div class="report__links">
            <a class="button button--dark" href={reportUrl(from, to, 'csv', lang)} download data-report="csv">
              {t('reportCsv')}
            </a>
            <a
              class="button"
              href={reportUrl(from, to, 'html', lang)}
              target="_blank"
              rel="noopener"
              data-report="html"
            >
              {t('reportHtml')}
            </a>
          </div>
        ) : (
          <p class="message">{t('reportForbidden')}</p>
        )}
      </section>
    </main>
  );
}
