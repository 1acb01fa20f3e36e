/**
 * @module month-picker — a month in the site's calendar: previous / next buttons around a
 * native month field (works on cheap phones; the buttons work where the field does not).
 */
import { useI18n } from '../i18n.ts';
import { isMonth, monthLabel, shiftMonth } from '../month.ts';

export type MonthPickerProps = { month: string; max: string; onChange: (month: string) => void };

export function MonthPicker({ month, max, onChange }: MonthPickerProps) {
  const i18n = useI18n();
  return (
    <div class="month-picker">
      <button
        type="button"
        class="button button--quiet month-picker__step"
        aria-label={i18n.t('monthPrev')}
        onClick={() => onChange(shiftMonth(month, -1))}
      >
        ‹
      </button>
      <label class="month-picker__field">
        <span class="visually-hidden">{i18n.t('monthLabel')}</span>
        <input
          class="field__input month-picker__input"
          type="month"
          name="month"
          value={month}
          max={max}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (isMonth(v)) onChange(v);
          }}
        />
      </label>
      <button
        type="button"
        class="button button--quiet month-picker__step"
        aria-label={i18n.t('monthNext')}
        disabled={month >= max}
        onClick={() => onChange(shiftMonth(month, 1))}
      >
        ›
      </button>
      <span class="month-picker__label" aria-live="polite">
        {monthLabel(month, i18n.lang, true)}
      </span>
    </div>
  );
}
