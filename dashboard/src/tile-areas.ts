/**
 * @module tile-areas — pure: the live page's tiles grouped into areas. A site's tile layout
 * (`tile_layout` of `GET /api/v1/sites`, set by an admin) names its areas and their order; a
 * sensor it does not list falls into an area derived from its quantity (tunnel air, water,
 * other), after the named ones. Several sites: each site's areas in site order, named with the
 * site. Arranging: moves within and across areas, the layout to save.
 */
import type { TileLayout } from '@vigia/shared';

export type AreaSensor = { id: string; site: string; quantity: string };

export type TileGroup<S extends AreaSensor> = {
  key: string;
  site: string;
  /** The area's name (a site's own words), or a derived area's key to translate. */
  name: string;
  derived: DerivedArea | null;
  sensors: S[];
};

export type DerivedArea = 'air' | 'water' | 'other';

const AIR = new Set([
  'methane',
  'carbon_monoxide',
  'carbon_dioxide',
  'oxygen',
  'nitrogen_dioxide',
  'hydrogen_sulfide',
  'air_velocity',
  'air_flow',
  'air_flow_per_person',
  'pm10',
  'pm2_5',
]);
const WATER = new Set([
  'ph',
  'turbidity',
  'total_suspended_solids',
  'conductivity',
  'volumetric_flow',
  'mass_flow',
  'volume',
  'level',
]);
const DERIVED_ORDER: readonly DerivedArea[] = ['water', 'air', 'other'];

/** Where a sensor of `quantity` goes when its site's layout does not place it. */
export function derivedArea(quantity: string): DerivedArea {
  if (AIR.has(quantity)) return 'air';
  if (WATER.has(quantity)) return 'water';
  return 'other';
}

/** `sensors` (in their given order) grouped by their site's layout; empty groups left out. */
export function groupTiles<S extends AreaSensor>(
  sensors: readonly S[],
  layoutOf: (site: string) => TileLayout | null | undefined,
): TileGroup<S>[] {
  const sites = [...new Set(sensors.map((s) => s.site))];
  const out: TileGroup<S>[] = [];
  for (const site of sites) {
    const mine = sensors.filter((s) => s.site === site);
    const byId = new Map(mine.map((s) => [s.id, s]));
    const placed = new Set<string>();
    for (const [i, area] of (layoutOf(site)?.areas ?? []).entries()) {
      const listed = area.sensors.flatMap((id) => {
        const s = byId.get(id);
        if (!s || placed.has(id)) return [];
        placed.add(id);
        return [s];
      });
      out.push({ key: `${site}/${i}`, site, name: area.name, derived: null, sensors: listed });
    }
    for (const kind of DERIVED_ORDER) {
      const rest = mine.filter((s) => !placed.has(s.id) && derivedArea(s.quantity) === kind);
      if (rest.length > 0) out.push({ key: `${site}/~${kind}`, site, name: kind, derived: kind, sensors: rest });
    }
  }
  return out.filter((g) => g.sensors.length > 0 || g.derived === null);
}

/** The layout the groups of one site show now (derived areas written out under `names`). */
export function layoutOfGroups(
  groups: readonly TileGroup<AreaSensor>[],
  names: Record<DerivedArea, string>,
): TileLayout {
  return {
    areas: groups.map((g) => ({ name: g.derived ? names[g.derived] : g.name, sensors: g.sensors.map((s) => s.id) })),
  };
}

/** Moves sensor `id` one place up (-1) or down (+1) within its area; unchanged at an end. */
export function moveSensor(layout: TileLayout, id: string, by: -1 | 1): TileLayout {
  return {
    areas: layout.areas.map((a) => {
      const i = a.sensors.indexOf(id);
      const j = i + by;
      if (i < 0 || j < 0 || j >= a.sensors.length) return a;
      const sensors = [...a.sensors];
      [sensors[i], sensors[j]] = [sensors[j]!, sensors[i]!];
      return { ...a, sensors };
    }),
  };
}

/** Moves sensor `id` to the end of area `to` (by index). */
export function moveToArea(layout: TileLayout, id: string, to: number): TileLayout {
  return {
    areas: layout.areas.map((a, k) => {
      const sensors = a.sensors.filter((s) => s !== id);
      return { ...a, sensors: k === to ? [...sensors, id] : sensors };
    }),
  };
}

/** Moves area `index` one place up or down. */
export function moveArea(layout: TileLayout, index: number, by: -1 | 1): TileLayout {
  const j = index + by;
  if (j < 0 || j >= layout.areas.length) return layout;
  const areas = [...layout.areas];
  [areas[index], areas[j]] = [areas[j]!, areas[index]!];
  return { areas };
}
