/**
 * @module permit-form — the one form for a new permit from a template, a blank permit and an
 * edit of a stored one (permit-draft.ts holds its state). "Check the last 30 days" asks POST
 * /api/v1/permits/preview (nothing stored); "Save" is PUT /api/v1/permits, with the version
 * read when editing (the server refuses a save over someone else's newer version). Both check
 * the draft with the shared schema first and list what is wrong in the UI language.
 */
import type { Permit, Template } from '@vigia/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type PreviewBreach, previewPermit, putPermit, type SensorInfo, serverNow } from '../api.ts';
import { errorText } from '../error-text.ts';
import { type I18n, useI18n } from '../i18n.ts';
import {
  blankRule,
  checkDraft,
  type Draft,
  type DraftRule,
  draftFromTemplate,
  fittingSensors,
} from '../permit-draft.ts';
import { PermitRuleFields } from './permit-rule-fields.tsx';
import { PREVIEW_WINDOW_MS, PreviewChart } from './preview-chart.tsx';
import { type SaveStatus, StatusLine } from './save-status.tsx';

export type PermitFormProps = {
  initial: Draft;
  templates: readonly Template[];
  sensors: readonly SensorInfo[];
  sites: readonly string[];
  onSaved: (id: string) => void;
  onCancel: () => void;
  /** The server has a newer version than the one edited (409): the list should show it. */
  onStale: () => void;
};

export function PermitForm({ initial, templates, sensors, sites, onSaved, onCancel, onStale }: PermitFormProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<Draft>(initial);
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [issues, setIssues] = useState<string[]>([]);
  const [preview, setPreview] = useState<PreviewBreach[] | null>(null);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const editing = draft.mode === 'edit';
  const formRef = useRef<HTMLFormElement>(null);
  // Opened below the permits list: bring it into view.
  useEffect(() => formRef.current?.scrollIntoView({ block: 'start' }), []);

  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  const patchRule = (key: string, p: Partial<DraftRule>) =>
    setDraft((d) => ({ ...d, rules: d.rules.map((r) => (r.key === key ? { ...r, ...p } : r)) }));
  const pickTemplate = (id: string) => {
    const template = templates.find((x) => x.id === id);
    setTemplateId(id);
    if (template) setDraft((d) => ({ ...draftFromTemplate(template, d.site), id: d.id }));
  };
  // Another site: a chosen sensor of the old site no longer fits its rule.
  const pickSite = (site: string) =>
    setDraft((d) => ({
      ...d,
      site,
      rules: d.rules.map((r) =>
        fittingSensors(sensors, site, r).some((s) => s.id === r.sensor) ? r : { ...r, sensor: '' },
      ),
    }));

  const run = async (work: (p: Permit) => Promise<void>) => {
    const checked = checkDraft(draft, i18n.lang);
    if (!checked.ok) {
      setIssues(checked.issues);
      setStatus({ kind: 'idle' });
      return;
    }
    setIssues([]);
    setStatus({ kind: 'busy' });
    try {
      await work(checked.permit);
    } catch (err) {
      setStatus({ kind: 'error', text: t('permitFailed', { detail: refusalText(err, t) }) });
      if (err instanceof ApiError && err.code === 'permit_version_conflict') onStale();
    }
  };
  const check = () =>
    run(async (permit) => {
      const now = serverNow();
      setPreview((await previewPermit(permit, now - PREVIEW_WINDOW_MS, now)).breaches);
      setStatus({ kind: 'idle' });
    });
  const save = () =>
    run(async (permit) => {
      await putPermit(permit);
      onSaved(permit.id);
    });

  const title =
    draft.mode === 'edit'
      ? t('permitEditTitle', { id: draft.id, version: String(draft.version ?? '') })
      : draft.mode === 'blank'
        ? t('permitNewBlankTitle')
        : t('permitNew');
  return (
    <form
      ref={formRef}
      class="card card--wide permit-new"
      data-mode={draft.mode}
      data-permit={editing ? draft.id : undefined}
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <h2 class="card__title">{title}</h2>
      <p class="message">{t('permitFormNote')}</p>
      {draft.mode === 'template' && (
        <label class="field" for="permit-template">
          <span class="field__label">{t('permitTemplate')}</span>
          <select
            id="permit-template"
            class="field__input"
            value={templateId}
            onChange={(e) => pickTemplate(e.currentTarget.value)}
          >
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label class="field" for="permit-site">
        <span class="field__label">{t('permitSite')}</span>
        <select
          id="permit-site"
          class="field__input"
          value={draft.site}
          disabled={editing}
          onChange={(e) => pickSite(e.currentTarget.value)}
        >
          {(sites.includes(draft.site) ? sites : [draft.site, ...sites]).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label class="field" for="permit-id">
        <span class="field__label">{t('permitId')}</span>
        <input
          id="permit-id"
          class="field__input"
          value={draft.id}
          readOnly={editing}
          autocomplete="off"
          onInput={(e) => patch({ id: e.currentTarget.value })}
        />
      </label>
      <label class="field" for="permit-title">
        <span class="field__label">{t('permitTitleField')}</span>
        <input
          id="permit-title"
          class="field__input"
          value={draft.title}
          onInput={(e) => patch({ title: e.currentTarget.value })}
        />
      </label>
      {draft.mode === 'template' && <p class="message">{t('permitTemplateRuleHint')}</p>}
      {draft.rules.map((r) => (
        <PermitRuleFields
          key={r.key}
          rule={r}
          site={draft.site}
          sensors={sensors}
          onChange={(p) => patchRule(r.key, p)}
          onRemove={
            draft.mode === 'template' ? undefined : () => patch({ rules: draft.rules.filter((x) => x.key !== r.key) })
          }
        />
      ))}
      {draft.mode !== 'template' && (
        <p>
          <button
            type="button"
            class="button"
            data-action="add-rule"
            onClick={() => patch({ rules: [...draft.rules, blankRule()] })}
          >
            {t('permitAddRule')}
          </button>
        </p>
      )}
      {issues.length > 0 && (
        <div class="message message--error" role="alert" data-issues={issues.length}>
          <p>{t('permitIssuesTitle')}</p>
          <ul>
            {issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        </div>
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
      </button>{' '}
      <button type="button" class="button button--quiet" data-action="cancel" onClick={onCancel}>
        {t('permitCancel')}
      </button>
      {preview && (
        <div class="permit-preview" data-count={preview.length}>
          <p class="message">
            {preview.length === 0 ? t('permitPreviewNone') : t('permitPreviewSome', { count: preview.length })}
          </p>
          <ul>
            {preview.slice(0, 50).map((b) => (
              <li key={`${b.rule}:${b.start}`}>
                {b.rule}: {i18n.siteDateTime(b.start)} – {b.end === null ? '…' : i18n.siteDateTime(b.end)},{' '}
                {i18n.value(b.peak)} {b.unit ? i18n.unit(b.unit) : ''} ({t('limitLabel')} {i18n.limit(b.limit)})
              </li>
            ))}
          </ul>
          <PreviewChart breaches={preview} sensors={sensors} />
        </div>
      )}
      {/* "Saved" is said by the page: a saved form closes. */}
      <StatusLine status={status} saved="" />
    </form>
  );
}

/**
 * The refusals an officer can act on, in words; the others as error-text.ts says them. The form
 * stays open with the draft: nothing typed is lost.
 */
function refusalText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.code === 'permit_version_conflict') return t('permitConflict');
    if (err.code === 'too_many_reports') return t('permitBusy');
    if (err.status === 403) return t('permitForbidden');
  }
  return errorText(err, t);
}
