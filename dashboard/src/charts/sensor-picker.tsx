/**
 * @module charts/sensor-picker — the sensors on one chart: each listed with a way to remove it
 * (the primary one stays: it is the tile tapped), and a list to add another. A sensor of a third
 * unit (or a fifth sensor) is refused in words, never silently dropped.
 */
import { useState } from 'preact/hooks';
import type { SensorInfo } from '../api.ts';
import { formatUnit } from '../format.ts';
import { MAX_SENSORS } from './chart-state.ts';
import type { chartWords } from './chart-words.ts';
import { planAxes } from './series-set.ts';

export type SensorPickerProps = {
  words: ReturnType<typeof chartWords>;
  all: readonly SensorInfo[];
  shown: readonly SensorInfo[];
  colors: readonly string[];
  onChange: (ids: string[]) => void;
};

export function SensorPicker({ words, all, shown, colors, onChange }: SensorPickerProps) {
  const { t } = words;
  const [refusal, setRefusal] = useState<string | null>(null);
  const shownIds = shown.map((s) => s.id);
  const add = (id: string) => {
    const s = all.find((x) => x.id === id);
    if (!s) return;
    if (shown.length >= MAX_SENSORS) {
      setRefusal(t('tooMany', { max: MAX_SENSORS }));
      return;
    }
    const plan = planAxes([...shown, s]);
    if (!plan.ok) {
      const units = plan.axes.map((a) => formatUnit(a.unit)).join(', ');
      setRefusal(t('thirdUnit', { name: s.name || s.id, unit: formatUnit(s.unit), units }));
      return;
    }
    setRefusal(null);
    onChange([...shownIds, id]);
  };
  const others = all.filter((s) => !shownIds.includes(s.id));
  return (
    <div class="sensor-picker">
      <ul class="sensor-picker__list">
        {shown.map((s, i) => (
          <li key={s.id} class="sensor-picker__item" data-chart-layer={s.id}>
            <span class="sensor-picker__swatch" style={{ background: colors[i] }} aria-hidden="true" />
            {s.name || s.id} ({formatUnit(s.unit)})
            {i > 0 && (
              <button
                type="button"
                class="button button--quiet sensor-picker__remove"
                aria-label={t('remove', { name: s.name || s.id })}
                onClick={() => {
                  setRefusal(null);
                  onChange(shownIds.filter((x) => x !== s.id));
                }}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 && (
        <label class="sensor-picker__add">
          {t('addSensor')}{' '}
          <select
            data-add-sensor
            value=""
            onChange={(e) => {
              add(e.currentTarget.value);
              e.currentTarget.value = '';
            }}
          >
            <option value="">{t('addNone')}</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name || s.id} ({formatUnit(s.unit)})
              </option>
            ))}
          </select>
        </label>
      )}
      {refusal && (
        <p class="message message--error" role="alert" data-chart-refusal>
          {refusal}
        </p>
      )}
    </div>
  );
}
