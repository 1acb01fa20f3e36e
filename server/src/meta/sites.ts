/**
 * @module meta/sites
 * Sites: a name for people and the IANA time zone their days, reports and dashboard times are
 * in. A site row is created with its first device (meta/devices.ts) in `America/Bogota`
 * (DEFAULT_TIME_ZONE); a site with no row (a permit naming it before any device) is in that
 * zone too, so `timeZoneOf` always answers. Zones are validated before they are stored.
 */
import { DEFAULT_TIME_ZONE, InputError, type TileLayout } from '@vigia/shared';
import type Database from 'better-sqlite3';

export type SiteRow = {
  id: string;
  /** null until an admin names it: show the id. */
  name: string | null;
  time_zone: string;
  created_at: number;
  updated_at: number | null;
  updated_by: string | null;
  /** JSON of shared `TileLayout`, null until an admin arranges the tiles. */
  tile_layout: string | null;
};

/** What a change did to a site: the fields that changed, each from → to. */
export type SiteChange = { name?: { from: string | null; to: string }; time_zone?: { from: string; to: string } };

export type SiteRepo = {
  /** Sites of `sites`, or every site when `sites` is empty, by id. */
  listSites(sites: readonly string[]): SiteRow[];
  siteById(id: string): SiteRow | undefined;
  /** The site's zone; DEFAULT_TIME_ZONE for a site without a row. Cached: the engine asks often. */
  timeZoneOf(site: string): string;
  /**
   * Set name and zone (validated by the caller with `canonicalTimeZone`); answers what changed
   * (empty when nothing did, and then nothing is written). 404 `site_unknown` for no such site.
   */
  updateSite(id: string, fields: { name: string; time_zone: string }, by: string, now: number): SiteChange;
  /** Store the tile layout (validated by the caller); answers whether it changed. 404 as above. */
  setTileLayout(id: string, layout: TileLayout | null, by: string, now: number): boolean;
};

/**
 * The canonical spelling of an IANA zone name ("america/bogota" → "America/Bogota"), or
 * undefined when Intl does not know it. Fixed offsets ("-05:00") are refused: a site's zone
 * must follow its law's daylight-saving rules, which only a named zone does.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const COLUMNS = 'id, name, time_zone, created_at, updated_at, updated_by, tile_layout';

export function siteRepo(db: Database.Database): SiteRepo {
  const all = db.prepare(`SELECT ${COLUMNS} FROM sites ORDER BY id`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM sites WHERE id = ?`);
  const update = db.prepare('UPDATE sites SET name = ?, time_zone = ?, updated_at = ?, updated_by = ? WHERE id = ?');
  const updateTiles = db.prepare('UPDATE sites SET tile_layout = ?, updated_at = ?, updated_by = ? WHERE id = ?');
  const zones = new Map<string, string>();
  return {
    listSites(sites) {
      const rows = all.all() as SiteRow[];
      return sites.length === 0 ? rows : rows.filter((s) => sites.includes(s.id));
    },
    siteById: (id) => byId.get(id) as SiteRow | undefined,
    timeZoneOf(site) {
      const cached = zones.get(site);
      if (cached !== undefined) return cached;
      const row = byId.get(site) as SiteRow | undefined;
      // Only sites with a row are cached: one created later (with its first device) is read then.
      if (row) zones.set(site, row.time_zone);
      return row?.time_zone ?? DEFAULT_TIME_ZONE;
    },
    updateSite: db.transaction((id: string, fields: { name: string; time_zone: string }, by: string, now: number) => {
      const row = byId.get(id) as SiteRow | undefined;
      if (!row) throw new InputError('site_unknown', `no site "${id}" (see GET /api/v1/sites)`, 'id', 404);
      const change: SiteChange = {};
      if (row.name !== fields.name) change.name = { from: row.name, to: fields.name };
      if (row.time_zone !== fields.time_zone) change.time_zone = { from: row.time_zone, to: fields.time_zone };
      if (!change.name && !change.time_zone) return change;
      update.run(fields.name, fields.time_zone, now, by, id);
      zones.delete(id);
      return change;
    }),
    setTileLayout: db.transaction((id: string, layout: TileLayout | null, by: string, now: number) => {
      const row = byId.get(id) as SiteRow | undefined;
      if (!row) throw new InputError('site_unknown', `no site "${id}" (see GET /api/v1/sites)`, 'id', 404);
      const json = layout === null ? null : JSON.stringify(layout);
      if (row.tile_layout === json) return false;
      updateTiles.run(json, now, by, id);
      return true;
    }),
  };
}
