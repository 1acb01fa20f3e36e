/**
 * @module sensor-grid — the tiles. Tablets and desktops: grouped by area under a heading (the
 * site's own areas, else by quantity: tile-areas.ts). Phones (≤ 480 px): one two-column grid of
 * compact tiles, area headings hidden (styles.css), the same order. Each tile has its sparkline.
 */
import type { SensorInfo } from '../api.ts';
import type { RuleRef, SensorRuleState } from '../compliance.ts';
import type { SparkPoint } from '../sparkline.ts';
import type { TileGroup } from '../tile-areas.ts';
import { SensorTile, type TileReading } from './sensor-tile.tsx';

export type SensorGridProps = {
  groups: TileGroup<SensorInfo>[];
  /** The heading of a group (a derived area translated; the site named when several). */
  groupTitle: (group: TileGroup<SensorInfo>) => string;
  latest: (sensor: SensorInfo) => TileReading | null;
  now: number;
  selected: string | null;
  onSelect: (id: string) => void;
  rulesOf: (sensor: string) => readonly RuleRef[];
  ruleStateOf: (sensor: string) => SensorRuleState | null;
  breachSinceOf: (sensor: string) => number | null;
  sparks: ReadonlyMap<string, SparkPoint[]>;
};

const NO_RULES: readonly RuleRef[] = [];

export function SensorGrid(p: SensorGridProps) {
  return (
    <div class="areas">
      {p.groups
        .filter((g) => g.sensors.length > 0)
        .map((g) => (
          <section key={g.key} class="area" data-area={g.derived ?? g.name} aria-label={p.groupTitle(g)}>
            <h2 class="area__title">{p.groupTitle(g)}</h2>
            <div class="grid">
              {g.sensors.map((s) => (
                <SensorTile
                  key={s.id}
                  id={s.id}
                  name={s.name || s.id}
                  quantity={s.quantity}
                  unit={s.unit}
                  last={p.latest(s)}
                  now={p.now}
                  selected={s.id === p.selected}
                  onSelect={p.onSelect}
                  rules={p.rulesOf(s.id) ?? NO_RULES}
                  rule={p.ruleStateOf(s.id)}
                  breachSince={p.breachSinceOf(s.id)}
                  intervalMs={s.interval_ms}
                  spark={p.sparks.get(s.id)}
                />
              ))}
            </div>
          </section>
        ))}
    </div>
  );
}
