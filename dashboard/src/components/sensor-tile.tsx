/**
 * @module sensor-tile — one sensor's latest value, readable at arm's length. A silent sensor
 * turns grey and says since when; one never heard from says so. Tapping selects the chart.
 */
import { useI18n } from '../i18n.ts';
import { type TileState, tileState } from '../staleness.ts';
import type { TileReading } from './sensor-grid.tsx';

export type SensorTileProps = {
  id: string;
  name: string;
  quantity: string;
  unit: string;
  last: TileReading | null;
  now: number;
  selected: boolean;
  onSelect: (id: string) => void;
};

export function SensorTile({ id, name, quantity, unit, last, now, selected, onSelect }: SensorTileProps) {
  const i18n = useI18n();
  const state: TileState = tileState(last?.ts, now);
  let status = '';
  if (state === 'never') status = i18n.t('neverReceived');
  else if (state === 'stale' && last) status = i18n.t('staleSince', { time: i18n.clock(last.ts, now) });
  else if (last?.q === 'uncertain') status = i18n.t('qualityUncertain');
  else if (last?.q === 'bad') status = i18n.t('qualityBad');

  return (
    <button
      type="button"
      class={`tile tile--${state}${selected ? ' tile--selected' : ''}${last && last.q !== 'good' ? ` tile--q-${last.q}` : ''}`}
      data-sensor={id}
      data-state={state}
      aria-pressed={selected}
      onClick={() => onSelect(id)}
    >
      <span class="tile__name">{name}</span>
      <span class="tile__quantity">{i18n.quantity(quantity)}</span>
      <span class="tile__reading">
        <span class="tile__value" data-value={last ? String(last.value) : ''}>
          {last ? i18n.value(last.value) : '—'}
        </span>
        <span class="tile__unit">{i18n.unit(unit)}</span>
      </span>
      <span class="tile__status" role={state === 'ok' ? undefined : 'status'}>
        {status}
      </span>
    </button>
  );
}
