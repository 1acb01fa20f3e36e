/**
 * @module permit-rule-fields — one rule of the permit form. From a template: what it measures
 * and its kind are the regulation's (shown with the article it cites and its note); limits the
 * regulation gives are filled in, the others empty. Blank or edited: the officer picks what the
 * rule measures among what the site's sensors measure, then the sensor. Sensors offered: the
 * site's, of the rule's quantity and unit only.
 */
import { formatSource, Severity } from '@vigia/shared';
import type { SensorInfo } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { type DraftRule, fittingSensors, measuresOf } from '../permit-draft.ts';

const KIND_LABEL = { max: 'kindMax', min: 'kindMin', range: 'kindRange' } as const;
const SEVERITY_LABEL = {
  warning: 'severityWarning',
  breach: 'severityBreach',
  critical: 'severityCritical',
  alarm: 'severityAlarm',
} as const;

export type RuleFieldsProps = {
  rule: DraftRule;
  site: string;
  sensors: readonly SensorInfo[];
  onChange: (patch: Partial<DraftRule>) => void;
  onRemove?: () => void;
};

export function PermitRuleFields({ rule: r, site, sensors, onChange, onRemove }: RuleFieldsProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const fixed = r.template !== undefined;
  // A template lists many parameters and a site measures a few: a template rule shows its
  // article and the sensor pick, and the rest once it has a sensor (it is then in the permit).
  const open = !fixed || r.sensor !== '';
  const fitting = fittingSensors(sensors, site, r);
  const measures = measuresOf(sensors, site);
  const measureKey = r.quantity ? `${r.quantity}|${r.unit}` : '';
  const unit = r.unit ? i18n.unit(r.unit) : '—';
  const input = (
    field: 'id' | 'min' | 'max' | 'averaging' | 'pending' | 'clear' | 'source',
    label: string,
    extra = {},
  ) => (
    <label class="field">
      <span class="field__label">{label}</span>
      <input
        class="field__input"
        name={`${field}-${r.template ? r.id : r.key}`}
        value={r[field]}
        onInput={(e) => onChange({ [field]: e.currentTarget.value })}
        {...extra}
      />
    </label>
  );
  const select = (
    field: 'sensor' | 'kind' | 'severity',
    label: string,
    options: readonly (readonly [string, string])[],
    none?: string,
  ) => (
    <label class="field">
      <span class="field__label">{label}</span>
      <select
        class="field__input"
        name={`${field}-${r.template ? r.id : r.key}`}
        value={r[field]}
        onChange={(e) => onChange({ [field]: e.currentTarget.value })}
      >
        {none !== undefined && <option value="">{none}</option>}
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset class="permit-new__rule" data-rule={r.template ? r.id : r.key}>
      <legend>
        {fixed ? `${r.id} — ${i18n.quantity(r.quantity)} (${unit}), ${t(KIND_LABEL[r.kind])}` : r.id || '—'}
      </legend>
      {r.template && <p class="permit__source">{r.template.source.map(formatSource).join('; ')}</p>}
      {open && r.template?.note && <p class="message">{r.template.note}</p>}
      {!fixed && input('id', t('permitRuleId'), { autocomplete: 'off' })}
      {!fixed && (
        <label class="field">
          <span class="field__label">{t('permitMeasure')}</span>
          <select
            class="field__input"
            name={`measure-${r.key}`}
            value={measureKey}
            onChange={(e) => {
              const [quantity = '', unitOf = ''] = e.currentTarget.value.split('|');
              onChange({ quantity, unit: unitOf, sensor: '' });
            }}
          >
            <option value="">{t('permitPickMeasure')}</option>
            {measures.map((m) => (
              <option key={`${m.quantity}|${m.unit}`} value={`${m.quantity}|${m.unit}`}>
                {i18n.quantity(m.quantity)} ({i18n.unit(m.unit)})
              </option>
            ))}
          </select>
        </label>
      )}
      {select(
        'sensor',
        t('permitSensor'),
        fitting.map((s) => [s.id, s.name ? `${s.name} (${s.id})` : s.id]),
        t('permitNoSensor', { unit }),
      )}
      {!fixed &&
        select(
          'kind',
          t('permitKind'),
          (['max', 'min', 'range'] as const).map((k) => [k, t(KIND_LABEL[k])]),
        )}
      {open && r.kind !== 'max' && input('min', t('permitMin', { unit }), { inputMode: 'decimal' })}
      {open && r.kind !== 'min' && input('max', t('permitMax', { unit }), { inputMode: 'decimal' })}
      {open &&
        (!fixed || r.template?.averaging === null) &&
        input('averaging', t('permitAveraging'), { placeholder: 'instant, rolling:1h, twa:8h, daily_mean' })}
      {open && fixed && r.template?.averaging !== null && (
        <p class="message">
          {t('permitAveraging')}: {r.averaging}
        </p>
      )}
      {open && input('pending', t('permitPending'), { placeholder: '5m' })}
      {open && input('clear', t('permitClear'), { placeholder: '1m' })}
      {!fixed &&
        select(
          'severity',
          t('permitSeverity'),
          Severity.options.map((v) => [v, t(SEVERITY_LABEL[v])]),
        )}
      {!fixed && input('source', t('permitSource'))}
      {onRemove && (
        <button type="button" class="button button--quiet" data-action="remove-rule" onClick={onRemove}>
          {t('permitRemoveRule')}
        </button>
      )}
    </fieldset>
  );
}
