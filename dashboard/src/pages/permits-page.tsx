/**
 * @module permits-page — officers and admins: the permits of their sites, each rule with its
 * source, its state now and the permit's version history (permit-card.tsx); a new permit from
 * a template or blank, and an edit of a stored one, all on the one form (permit-form.tsx).
 * Rule states are the signed-in shell's (use-compliance.ts: GET /api/v1/rules/status, polled
 * and kept current by the live stream), not polled a second time here.
 * `#/permits/<permit>/<rule>` (the breach cards' link) scrolls to that rule and marks it.
 * Loaded on first open (its own chunk: operators' phones never fetch it).
 */
import type { RuleStatusState, Template } from '@vigia/shared';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  permits as fetchPermits,
  sensors as fetchSensors,
  templates as fetchTemplates,
  type SensorInfo,
} from '../api.ts';
import type { PermitInfo } from '../compliance.ts';
import { PermitCard } from '../components/permit-card.tsx';
import { PermitForm } from '../components/permit-form.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import { blankDraft, type Draft, draftFromPermit, draftFromTemplate } from '../permit-draft.ts';
import { ruleAnchor, ruleTarget } from '../route.ts';

type Data = { permits: PermitInfo[]; templates: Template[]; sensors: SensorInfo[] };

export type PermitsPageProps = {
  /** Each rule's state now, by `ruleKey` (use-compliance.ts). */
  statuses: ReadonlyMap<string, RuleStatusState>;
};

export function PermitsPage({ statuses }: PermitsPageProps) {
  const { t } = useI18n();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The open form and a counter, so "new" twice starts afresh.
  const [form, setForm] = useState<{ draft: Draft; n: number } | null>(null);
  const [target, setTarget] = useState(() => ruleTarget(location.hash));
  const [saved, setSaved] = useState<string | null>(null);

  const load = () =>
    Promise.all([fetchPermits(), fetchTemplates(), fetchSensors()]).then(([permits, templates, sensors]) => {
      setData({ permits, templates, sensors });
      setError(null);
    }, setError);
  useEffect(() => {
    void load();
    const follow = () => setTarget(ruleTarget(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  // Once the permits are drawn, bring the linked rule into view.
  useEffect(() => {
    if (!data || !target?.rule) return;
    document.getElementById(ruleAnchor(target.permit, target.rule).slice(1))?.scrollIntoView({ block: 'center' });
  }, [data, target]);

  const sensorsById = useMemo(() => new Map((data?.sensors ?? []).map((s) => [s.id, s])), [data]);
  const sites = useMemo(() => [...new Set((data?.sensors ?? []).map((s) => s.site))].sort(), [data]);
  const open = (draft: Draft) => {
    setSaved(null);
    setForm((f) => ({ draft, n: (f?.n ?? 0) + 1 }));
  };
  // A saved form closes (its draft holds the version it replaced); the list shows the new one.
  const onSaved = (id: string) => {
    setForm(null);
    setSaved(id);
    void load();
  };
  const firstTemplate = data?.templates[0];

  return (
    <main class="main main--narrow" data-page="permits">
      <div class="page-head">
        <h1 class="page-head__title">{t('permitsTitle')}</h1>
      </div>
      {error !== null && (
        <p class="message message--error" role="alert">
          {t('permitsError', { detail: errorText(error, t) })}{' '}
          <button type="button" class="button button--quiet" onClick={() => void load()}>
            {t('retry')}
          </button>
        </p>
      )}
      {data === null && error === null && <p class="message">{t('permitsLoading')}</p>}
      {data && data.permits.length === 0 && <p class="message">{t('permitsNone')}</p>}
      {data?.permits.map((p) => (
        <PermitCard
          key={p.id}
          permit={p}
          statuses={statuses}
          sensors={sensorsById}
          target={target?.permit === p.id ? target.rule : null}
          onEdit={() => open(draftFromPermit(p, data.sensors))}
        />
      ))}
      {saved && (
        <p class="message" role="status" data-saved={saved}>
          {t('permitSaved')}
        </p>
      )}
      {data && (
        <p class="permit-actions">
          {firstTemplate && (
            <button
              type="button"
              class="button"
              data-action="new-template"
              onClick={() => open(draftFromTemplate(firstTemplate, sites[0] ?? ''))}
            >
              {t('permitNewTemplate')}
            </button>
          )}{' '}
          <button type="button" class="button" data-action="new-blank" onClick={() => open(blankDraft(sites[0] ?? ''))}>
            {t('permitNewBlank')}
          </button>
        </p>
      )}
      {data && form && (
        <PermitForm
          key={form.n}
          initial={form.draft}
          templates={data.templates}
          sensors={data.sensors}
          sites={sites}
          onSaved={onSaved}
          onCancel={() => setForm(null)}
          onStale={() => void load()}
        />
      )}
    </main>
  );
}
