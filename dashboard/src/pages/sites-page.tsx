/**
 * @module sites-page — admins name each site and set its time zone (PUT /api/v1/sites/:id).
 * The zone field offers the zones the browser knows; the server validates it again and its
 * refusal is shown in words. A saved zone changes every time the dashboard shows at once.
 */
import { useState } from 'preact/hooks';
import { type Me, putSite, type SiteInfo } from '../api.ts';
import { StatusLine, useSave } from '../components/save-status.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';

export type SitesPageProps = { me: Me; sites: SiteInfo[] | null; error: unknown; onSaved: (site: SiteInfo) => void };

const ZONES: readonly string[] =
  (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

function SiteForm({ site, onSaved }: { site: SiteInfo; onSaved: (site: SiteInfo) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(site.name ?? site.id);
  const [zone, setZone] = useState(site.time_zone);
  const [state, save] = useSave('siteSaveFailed');
  const submit = (e: Event) => {
    e.preventDefault();
    void save(async () => onSaved(await putSite(site.id, name.trim(), zone.trim())));
  };
  const id = (field: string) => `site-${site.id}-${field}`;
  return (
    <form class="card card--wide site" data-site={site.id} onSubmit={submit} noValidate>
      <h2 class="card__title">{site.id}</h2>
      <label class="field" for={id('name')}>
        <span class="field__label">{t('siteName')}</span>
        <input
          id={id('name')}
          class="field__input"
          name="name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label class="field" for={id('zone')}>
        <span class="field__label">{t('siteZone')}</span>
        <input
          id={id('zone')}
          class="field__input"
          name="time_zone"
          list="time-zones"
          value={zone}
          onInput={(e) => setZone(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="button button--primary" disabled={state.kind === 'busy'}>
        {t('siteSave')}
      </button>
      <StatusLine status={state} saved={t('siteSaved')} />
    </form>
  );
}

export function SitesPage({ me, sites, error, onSaved }: SitesPageProps) {
  const { t } = useI18n();
  return (
    <main class="main main--narrow" data-page="sites">
      <div class="page-head">
        <h1 class="page-head__title">{t('sitesTitle')}</h1>
        <p class="page-head__note">{t('sitesIntro')}</p>
      </div>
      {me.role !== 'admin' ? (
        <p class="message">{t('sitesForbidden')}</p>
      ) : error ? (
        <div class="message message--error" role="alert">
          {t('sitesError', { detail: errorText(error, t) })}
        </div>
      ) : sites === null ? (
        <p class="message">{t('sitesLoading')}</p>
      ) : sites.length === 0 ? (
        <p class="message">{t('sitesEmpty')}</p>
      ) : (
        <>
          <datalist id="time-zones">
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {sites.map((s) => (
            <SiteForm key={s.id} site={s} onSaved={onSaved} />
          ))}
        </>
      )}
    </main>
  );
}
