/**
 * @module breach-filters — the breaches page's filters: state (open, closed, withdrawn), only
 * the unacknowledged, a permit, a sensor. Each change is a new view (the page puts it in the
 * address); "clear" goes back to every breach of the month.
 */
import type { SensorInfo } from '../api.ts';
import type { PermitInfo } from '../compliance.ts';
import { useI18n } from '../i18n.ts';
import { type BreachView, isFiltered, unfiltered } from '../route.ts';

export type BreachFiltersProps = {
  view: BreachView;
  permits: readonly PermitInfo[];
  sensors: readonly SensorInfo[];
  onChange: (view: BreachView) => void;
};

const STATE_LABEL = { open: 'stateOpen', closed: 'stateClosed', withdrawn: 'stateWithdrawn' } as const;

export function BreachFilters({ view, permits, sensors, onChange }: BreachFiltersProps) {
  const { t } = useI18n();
  const set = (patch: Partial<BreachView>) => onChange({ ...view, ...patch });
  // A permit chosen: only its sensors are worth offering.
  const permit = permits.find((p) => p.id === view.permit);
  const ruleSensors = permit ? new Set(permit.rules.map((r) => r.sensor)) : null;
  const offered = sensors.filter((s) => !ruleSensors || ruleSensors.has(s.id));
  return (
    <fieldset class="breach-filters" data-filters>
      <legend class="visually-hidden">{t('breachFilters')}</legend>
      <label class="field">
        <span class="field__label">{t('filterState')}</span>
        <select
          class="field__input"
          name="filter-state"
          value={view.state ?? ''}
          onChange={(e) => set({ state: (e.currentTarget.value || null) as BreachView['state'] })}
        >
          <option value="">{t('filterAll')}</option>
          {(['open', 'closed', 'withdrawn'] as const).map((s) => (
            <option key={s} value={s}>
              {t(STATE_LABEL[s])}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field__label">{t('filterPermit')}</span>
        <select
          class="field__input"
          name="filter-permit"
          value={view.permit ?? ''}
          onChange={(e) => set({ permit: e.currentTarget.value || null })}
        >
          <option value="">{t('filterAny')}</option>
          {permits.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title} ({p.id})
            </option>
          ))}
          {view.permit && !permit && <option value={view.permit}>{view.permit}</option>}
        </select>
      </label>
      <label class="field">
        <span class="field__label">{t('filterSensor')}</span>
        <select
          class="field__input"
          name="filter-sensor"
          value={view.sensor ?? ''}
          onChange={(e) => set({ sensor: e.currentTarget.value || null })}
        >
          <option value="">{t('filterAny')}</option>
          {offered.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name ? `${s.name} (${s.id})` : s.id}
            </option>
          ))}
          {view.sensor && !offered.some((s) => s.id === view.sensor) && (
            <option value={view.sensor}>{view.sensor}</option>
          )}
        </select>
      </label>
      <label class="field field--check">
        <input
          type="checkbox"
          name="filter-unacked"
          checked={view.unacked}
          onChange={(e) => set({ unacked: e.currentTarget.checked })}
        />{' '}
        {t('filterUnacked')}
      </label>
      {isFiltered(view) && (
        <button
          type="button"
          class="button button--quiet"
          data-action="clear-filters"
          onClick={() => onChange(unfiltered(view))}
        >
          {t('filterClear')}
        </button>
      )}
    </fieldset>
  );
}
