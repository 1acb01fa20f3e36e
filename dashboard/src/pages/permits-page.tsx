/**
 * @module permits-page — officers and admins see the site's permits, each rule with the text it
 * cites, and create one from a template (GET /api/v1/templates): every template rule is shown
 * with its article; the officer picks the sensor among the site's sensors in the rule's unit and
 * enters the site's own number where the template has none (the field starts empty: never a
 * number the regulation did not give). "Check the last 30 days" asks POST
 * /api/v1/permits/preview (nothing stored); "Save" is PUT /api/v1/permits. The permit is built by
 * the shared `instantiateTemplate`, whose messages name what is missing. Loaded on first open.
 */
import { formatSource, instantiateTemplate, limitsOf, type Permit, type Template } from '@vigia/shared';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  permits as fetchPermits,
  sensors as fetchSensors,
  templates as fetchTemplates,
  type PreviewBreach,
  previewPermit,
  putPermit,
  type SensorInfo,
  serverNow,
} from '../api.ts';
import type { PermitInfo } from '../compliance.ts';
import { PREVIEW_WINDOW_MS, PreviewChart } from '../components/preview-chart.tsx';
import { type SaveStatus, StatusLine } from '../components/save-status.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';

function PermitCard({ permit }: { permit: PermitInfo }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section class="card card--wide permit" data-permit={permit.id}>
      <h2 class="card__title">
        {permit.title} <small>({permit.id})</small>
      </h2>
      {permit.updated_at !== undefined && (
        <p class="message">
          {t('permitUpdated', {
            version: String(permit.version ?? ''),
            by: permit.updated_by ?? '',
            time: i18n.siteDateTime(permit.updated_at),
          })}
        </p>
      )}
      <ul class="permit__rules">
        {permit.rules.map((r) => (
          <li key={r.id} data-rule={r.id}>
            <strong>{r.id}</strong>: {r.sensor} {r.kind} {r.min ?? ''}
            {r.kind === 'range' ? '–' : ''}
            {r.max ?? ''} ({r.averaging}){r.source && <div class="permit__source">{r.source}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Draft = { sensors: Record<string, string>; values: Record<string, string>; averaging: Record<string, string> };

function TemplateForm({
  templates,
  sensors,
  onSaved,
}: {
  templates: Template[];
  sensors: SensorInfo[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const template = templates.find((x) => x.id === templateId);
  const sites = useMemo(() => [...new Set(sensors.map((s) => s.site))].sort(), [sensors]);
  const [site, setSite] = useState(sites[0] ?? '');
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [draft, setDraft] = useState<Draft>({ sensors: {}, values: {}, averaging: {} });
  const [issues, setIssues] = useState<string[]>([]);
  const [preview, setPreview] = useState<PreviewBreach[] | null>(null);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const set = (part: keyof Draft, key: string, value: string) =>
    setDraft((d) => ({ ...d, [part]: { ...d[part], [key]: value } }));

  const build = (): Permit | null => {
    if (!template) return null;
    const values: Record<string, number | { min?: number; max?: number }> = {};
    for (const r of template.rules) {
      const text = draft.values[r.id]?.trim();
      if (!text) continue;
      if (r.kind === 'range') {
        const [min, max] = text.split(/\s*[–-]\s*|\s+/).map(Number);
        values[r.id] = { min, max };
      } else values[r.id] = Number(text.replace(',', '.'));
    }
    const averaging = Object.fromEntries(Object.entries(draft.averaging).filter(([, v]) => v.trim() !== ''));
    // The rules the officer gave a sensor (none given: all, so the messages say what is missing).
    const chosen = template.rules.filter((r) => draft.sensors[r.parameter]).map((r) => r.id);
    const result = instantiateTemplate(template, {
      permit: { id: id.trim(), site, title: title.trim() || template.title },
      rules: chosen.length > 0 ? chosen : undefined,
      sensors: Object.fromEntries(Object.entries(draft.sensors).filter(([, v]) => v !== '')),
      values,
      averaging,
    });
    if (!result.ok) {
      setIssues(result.issues.map((i) => `${i.path}: ${i.message}`));
      return null;
    }
    setIssues([]);
    return result.permit;
  };
  const run = async (work: (p: Permit) => Promise<void>) => {
    const permit = build();
    if (!permit) return;
    setStatus({ kind: 'busy' });
    try {
      await work(permit);
    } catch (err) {
      setStatus({ kind: 'error', text: t('permitFailed', { detail: errorText(err, t) }) });
    }
  };
  const check = () =>
    run(async (p) => {
      const now = serverNow();
      setPreview((await previewPermit(p, now - PREVIEW_WINDOW_MS, now)).breaches);
      setStatus({ kind: 'idle' });
    });
  const save = () =>
    run(async (p) => {
      await putPermit(p);
      setStatus({ kind: 'saved' });
      onSaved();
    });

  return (
    <form class="card card--wide permit-new" onSubmit={(e) => e.preventDefault()} noValidate>
      <h2 class="card__title">{t('permitNew')}</h2>
      <label class="field" for="permit-template">
        <span class="field__label">{t('permitTemplate')}</span>
        <select
          id="permit-template"
          class="field__input"
          value={templateId}
          onChange={(e) => setTemplateId(e.currentTarget.value)}
        >
          {templates.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      </label>
      <label class="field" for="permit-site">
        <span class="field__label">{t('permitSite')}</span>
        <select id="permit-site" class="field__input" value={site} onChange={(e) => setSite(e.currentTarget.value)}>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label class="field" for="permit-id">
        <span class="field__label">{t('permitId')}</span>
        <input id="permit-id" class="field__input" value={id} onInput={(e) => setId(e.currentTarget.value)} />
      </label>
      <label class="field" for="permit-title">
        <span class="field__label">{t('permitTitleField')}</span>
        <input id="permit-title" class="field__input" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      {template?.rules.map((r) => {
        const limits = limitsOf(r);
        const missing = Object.values(limits).some((v) => v === null);
        const fitting = sensors.filter((s) => s.site === site && s.unit === r.unit);
        return (
          <fieldset key={r.id} class="permit-new__rule" data-rule={r.id}>
            <legend>
              {r.parameter} — {r.kind}{' '}
              {Object.values(limits)
                .map((v) => v ?? '?')
                .join('–')}{' '}
              {r.unit}
            </legend>
            <p class="permit__source">{r.source.map(formatSource).join('; ')}</p>
            {r.note && <p class="message">{r.note}</p>}
            <label class="field">
              <span class="field__label">{t('permitSensor')}</span>
              <select
                class="field__input"
                name={`sensor-${r.id}`}
                value={draft.sensors[r.parameter] ?? ''}
                onChange={(e) => set('sensors', r.parameter, e.currentTarget.value)}
              >
                <option value="">{t('permitNoSensor', { unit: r.unit })}</option>
                {fitting.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name ? `${s.name} (${s.id})` : s.id}
                  </option>
                ))}
              </select>
            </label>
            {missing && (
              <label class="field">
                <span class="field__label">{t('permitLimitFromSite', { unit: r.unit })}</span>
                <input
                  class="field__input"
                  name={`value-${r.id}`}
                  inputMode="decimal"
                  value={draft.values[r.id] ?? ''}
                  onInput={(e) => set('values', r.id, e.currentTarget.value)}
                />
              </label>
            )}
            {r.averaging === null && (
              <label class="field">
                <span class="field__label">{t('permitAveraging')}</span>
                <input
                  class="field__input"
                  name={`averaging-${r.id}`}
                  placeholder="instant, rolling:1h, daily_mean"
                  value={draft.averaging[r.id] ?? ''}
                  onInput={(e) => set('averaging', r.id, e.currentTarget.value)}
                />
              </label>
            )}
          </fieldset>
        );
      })}
      {issues.length > 0 && (
        <ul class="message message--error" role="alert">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      <button type="button" class="button" data-action="preview" disabled={status.kind === 'busy'} onClick={check}>
        {t('permitPreview')}
      </button>{' '}
      <button
        type="button"
        class="button button--primary"
        data-action="save"
        disabled={status.kind === 'busy'}
        onClick={save}
      >
        {t('permitSave')}
      </button>
      {preview && (
        <div class="permit-preview" data-count={preview.length}>
          <p class="message">
            {preview.length === 0 ? t('permitPreviewNone') : t('permitPreviewSome', { count: preview.length })}
          </p>
          <PreviewList breaches={preview} />
          <PreviewChart breaches={preview} sensors={sensors} />
        </div>
      )}
      <StatusLine status={status} saved={t('permitSaved')} />
    </form>
  );
}

function PreviewList({ breaches }: { breaches: PreviewBreach[] }) {
  const i18n = useI18n();
  return (
    <ul>
      {breaches.slice(0, 50).map((b) => (
        <li key={`${b.rule}:${b.start}`}>
          {b.rule}: {i18n.siteDateTime(b.start)} – {b.end === null ? '…' : i18n.siteDateTime(b.end)}, {b.peak}{' '}
          {b.unit ?? ''} (≤ {b.limit})
        </li>
      ))}
    </ul>
  );
}

export function PermitsPage() {
  const { t } = useI18n();
  const [data, setData] = useState<{ permits: PermitInfo[]; templates: Template[]; sensors: SensorInfo[] } | null>(
    null,
  );
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    Promise.all([fetchPermits(), fetchTemplates(), fetchSensors()]).then(
      ([permits, templates, sensors]) => setData({ permits, templates, sensors }),
      setError,
    );
  useEffect(() => {
    void load();
  }, []);
  return (
    <main class="main main--narrow" data-page="permits">
      <div class="page-head">
        <h1 class="page-head__title">{t('permitsTitle')}</h1>
      </div>
      {error !== null && (
        <p class="message message--error" role="alert">
          {t('permitsError', { detail: errorText(error, t) })}
        </p>
      )}
      {data === null && error === null && <p class="message">{t('permitsLoading')}</p>}
      {data && data.permits.length === 0 && <p class="message">{t('permitsNone')}</p>}
      {data?.permits.map((p) => (
        <PermitCard key={p.id} permit={p} />
      ))}
      {data && <TemplateForm templates={data.templates} sensors={data.sensors} onSaved={() => void load()} />}
    </main>
  );
}
