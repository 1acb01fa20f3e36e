/**
 * @module permit-rule-fields — one rule of the permit form. From a template: what it measures
 * and its kind are the regulation's (shown with the article it cites and its note); limits the
 * regulation gives are filled in, the others empty. Blank or edited: the officer picks what the
 * rule measures among what the site's sensors measure, then the sensor. Sensors offered: the
 * site's, of the rule's quantity and unit only.
 */
import { formatSource, type Severity, Severity as SeveritySchema } from '@vigia/shared';
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
      <label class="field">
        <span class="field__label">{t('permitSensor')}</span>
        <select
          class="field__input"
          name={`sensor-${r.template ? r.id : r.key}`}
          value={r.sensor}
          onChange={(e) => onChange({ sensor: e.currentTarget.value })}
        >
          <option value="">{t('permitNoSensor', { unit })}</option>
          {fitting.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name ? `${s.name} (${s.id})` : s.id}
            </option>
          ))}
        </select>
      </label>
      {!fixed && (
        <label class="field">
          <span class="field__label">{t('permitKind')}</span>
          <select
            class="field__input"
            name={`kind-${r.key}`}
            value={r.kind}
            onChange={(e) => onChange({ kind: e.currentTarget.value as DraftRule['kind'] })}
          >
            {(['max', 'min', 'range'] as const).map((k) => (
              <option key={k} value={k}>
                {t(KIND_LABEL[k])}
              </option>
            ))}
          </select>
        </label>
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
      {!fixed && (
        <label class="field">
          <span class="field__label">{t('permitSeverity')}</span>
          <select
            class="field__input"
            name={`severity-${r.key}`}
            value={r.severity}
            onChange={(e) => onChange({ severity: e.currentTarget.value as Severity })}
          >
            {SeveritySchema.options.map((s) => (
              <option key={s} value={s}>
                {t(SEVERITY_LABEL[s])}
              </option>
            ))}
          </select>
        </label>
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
