/**
 * @module permit-card — one permit on the permits page: each rule with what it limits, the
 * source it cites, and its state now (GET /api/v1/rules/status: within the limit, in breach,
 * waiting for data…); the version history (GET /api/v1/permits/:id/history, fetched when
 * opened: who changed what, when); and "Edit". Each rule is an anchor (`#/permits/<id>/<rule>`)
 * the breach cards link to.
 */
import { permitFieldLabel, type RuleStatusState } from '@vigia/shared';
import { useState } from 'preact/hooks';
import { type PermitVersionInfo, permitHistory, type SensorInfo } from '../api.ts';
import { limitText, type PermitInfo, ruleKey } from '../compliance.ts';
import { errorText } from '../error-text.ts';
import { type I18n, type MessageKey, useI18n } from '../i18n.ts';
import { ruleAnchor } from '../route.ts';

const STATE_LABEL: Record<RuleStatusState, MessageKey> = {
  ok: 'ruleStateOk',
  pending: 'ruleStatePending',
  breach: 'ruleStateBreach',
  clearing: 'ruleStateClearing',
  no_data: 'ruleStateNoData',
  waiting_unit: 'ruleStateWaitingUnit',
};
const STATE_CHIP: Record<RuleStatusState, string> = {
  ok: 'chip--ok',
  pending: 'chip--breach',
  breach: 'chip--breach',
  clearing: 'chip--breach',
  no_data: 'chip--closed',
  waiting_unit: 'chip--closed',
};

export type PermitCardProps = {
  permit: PermitInfo;
  /** Each rule's state now, by `ruleKey`. */
  statuses: ReadonlyMap<string, RuleStatusState>;
  sensors: ReadonlyMap<string, SensorInfo>;
  /** The rule the location names (`#/permits/<id>/<rule>`), shown marked. */
  target: string | null;
  onEdit: () => void;
};

export function PermitCard({ permit, statuses, sensors, target, onEdit }: PermitCardProps) {
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
        {permit.rules.map((r) => {
          const state = statuses.get(ruleKey(permit.id, r.id));
          const sensor = sensors.get(r.sensor);
          const unit = sensor ? i18n.unit(sensor.unit) : '';
          return (
            <li
              key={r.id}
              id={ruleAnchor(permit.id, r.id).slice(1)}
              class={`permit__rule${target === r.id ? ' permit__rule--target' : ''}`}
              data-rule={r.id}
            >
              <div class="permit__rule-head">
                <strong>{r.id}</strong>: {sensor?.name ? `${sensor.name} (${r.sensor})` : r.sensor}{' '}
                {limitText(r, i18n.limit)} {unit} · {r.averaging} · {r.severity}{' '}
                <span
                  class={`chip ${state ? STATE_CHIP[state] : 'chip--closed'}`}
                  data-rule-state={state ?? 'unknown'}
                  title={t('permitRuleState')}
                >
                  {state ? t(STATE_LABEL[state]) : t('permitRuleNoStatus')}
                </span>
              </div>
              <div class="permit__source">{r.source ?? t('sourceMissing')}</div>
            </li>
          );
        })}
      </ul>
      <PermitHistory id={permit.id} />
      <button type="button" class="button" data-action="edit" onClick={onEdit}>
        {t('permitEdit')}
      </button>
    </section>
  );
}

type History =
  | { kind: 'closed' | 'loading' }
  | { kind: 'ready'; versions: PermitVersionInfo[] }
  | { kind: 'error'; detail: string };

function PermitHistory({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [history, setHistory] = useState<History>({ kind: 'closed' });
  const opened = (open: boolean) => {
    if (!open || history.kind === 'ready' || history.kind === 'loading') return;
    setHistory({ kind: 'loading' });
    permitHistory(id).then(
      (versions) => setHistory({ kind: 'ready', versions }),
      (err: unknown) => setHistory({ kind: 'error', detail: errorText(err, t) }),
    );
  };
  return (
    <details class="permit__history" onToggle={(e) => opened(e.currentTarget.open)}>
      <summary>{t('permitHistory')}</summary>
      {history.kind === 'loading' && <p class="message">{t('permitHistoryLoading')}</p>}
      {history.kind === 'error' && (
        <p class="message message--error" role="alert">
          {t('permitHistoryError', { detail: history.detail })}
        </p>
      )}
      {history.kind === 'ready' && (
        <ol class="permit__versions">
          {history.versions.map((v) => (
            <li key={v.version} data-version={v.version}>
              <strong>
                {t('permitVersionLine', {
                  version: v.version,
                  by: v.updated_by,
                  time: i18n.siteDateTime(v.updated_at),
                })}
              </strong>
              : {changesText(v, i18n)} ({inForceText(v, i18n)})
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

/** What a version changed, in words: "changed in rule ph: maximum; added rules temp". */
function changesText(v: PermitVersionInfo, i18n: I18n): string {
  const { t, lang } = i18n;
  const c = v.changes;
  if (!c) return '—';
  const list = (ids: string[]) => ids.join(', ');
  if (c.created) return t('permitCreated', { rules: list(c.rules_added) });
  const parts = [
    c.fields.length > 0 &&
      t('permitFieldsChanged', { fields: c.fields.map((f) => permitFieldLabel(f, lang)).join(', ') }),
    ...c.rules_changed.map((r) =>
      t('permitRuleChanged', { rule: r.rule, fields: r.fields.map((f) => permitFieldLabel(f, lang)).join(', ') }),
    ),
    c.rules_added.length > 0 && t('permitRulesAdded', { rules: list(c.rules_added) }),
    c.rules_removed.length > 0 && t('permitRulesRemoved', { rules: list(c.rules_removed) }),
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join('; ') : t('permitOrderChanged');
}

function inForceText(v: PermitVersionInfo, i18n: I18n): string {
  const { t } = i18n;
  if (v.effective_from === null)
    return v.effective_to === null
      ? t('permitInForceAlways')
      : t('permitInForceUntilOnly', { to: i18n.siteDateTime(v.effective_to) });
  const from = i18n.siteDateTime(v.effective_from);
  return v.effective_to === null
    ? t('permitInForce', { from })
    : t('permitInForceUntil', { from, to: i18n.siteDateTime(v.effective_to) });
}
