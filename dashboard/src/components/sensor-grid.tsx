/** @module sensor-grid — the tiles, in a grid that is one column on a phone. */
import type { SensorInfo } from '../api.ts';
import type { RuleRef, SensorRuleState } from '../compliance.ts';
import { SensorTile, type TileReading } from './sensor-tile.tsx';

export type SensorGridProps = {
  sensors: SensorInfo[];
  latest: (sensor: SensorInfo) => TileReading | null;
  now: number;
  selected: string | null;
  onSelect: (id: string) => void;
  rulesOf: (sensor: string) => readonly RuleRef[];
  ruleStateOf: (sensor: string) => SensorRuleState | null;
  breachSinceOf: (sensor: string) => number | null;
};

const NO_RULES: readonly RuleRef[] = [];

export function SensorGrid({
  sensors,
  latest,
  now,
  selected,
  onSelect,
  rulesOf,
  ruleStateOf,
  breachSinceOf,
}: SensorGridProps) {
  return (
    <div class="grid">
      {sensors.map((s) => (
        <SensorTile
          key={s.id}
          id={s.id}
          name={s.name || s.id}
          quantity={s.quantity}
          unit={s.unit}
          last={latest(s)}
          now={now}
          selected={s.id === selected}
          onSelect={onSelect}
          rules={rulesOf(s.id) ?? NO_RULES}
          rule={ruleStateOf(s.id)}
          breachSince={breachSinceOf(s.id)}
          intervalMs={s.interval_ms}
        />
      ))}
    </div>
  );
}
