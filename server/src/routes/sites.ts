/**
 * @module routes/sites
 * `GET /api/v1/sites` (any role; the user's sites only) and `PUT /api/v1/sites/:id` (admin):
 * a site's name and IANA time zone. A zone Intl does not know is a 422 naming `time_zone`; a
 * change is audit-logged (`site_changed`, from → to) and a changed zone re-judges the site's
 * calendar days (`onZoneChanged`, the compliance engine's hook). An unchanged PUT writes nothing.
 * `PUT /api/v1/sites/:id/tiles` (admin): the dashboard's tile areas and order for the site
 * (shared TileLayout), only the site's own sensors; audit-logged (`site_tiles_changed`).
 */
import { InputError, type SiteAnswer, type SiteTilesAnswer, type SiteView, TileLayout } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';
import { canonicalTimeZone, type SiteRow } from '../meta/sites.ts';
import { canSeeSite, siteScope } from './visibility.ts';

const PutSiteBody = z
  .object({
    name: z.string().trim().min(1, 'write the name people know the site by').max(100),
    time_zone: z.string().min(1).max(64),
  })
  .strict();

const view = (s: SiteRow): SiteView => ({
  id: s.id,
  name: s.name,
  time_zone: s.time_zone,
  updated_at: s.updated_at,
  updated_by: s.updated_by,
  tile_layout: s.tile_layout === null ? null : (JSON.parse(s.tile_layout) as TileLayout),
});

/** `PUT /api/v1/sites/:id/tiles`: the layout, or `null` to go back to grouping by quantity. */
const PutTilesBody = z.object({ tile_layout: TileLayout.nullable() }).strict();

export function sitesRoutes(
  deps: AppDeps,
  requireRole: RequireRole,
  onZoneChanged: (site: string) => void,
): Hono<{ Variables: SessionVars }> {
  /** The `:id` site if the user may see it; else 404 site_unknown. */
  const visibleSite = (id: string, user: SessionVars['user']) => {
    // An admin limited to some sites does not learn whether others exist.
    if (!canSeeSite(user, id) || !deps.meta.siteById(id)) {
      throw new InputError('site_unknown', `no site "${id}" (see GET /api/v1/sites)`, 'id', 404);
    }
  };
  return new Hono<{ Variables: SessionVars }>()
    .get('/', requireRole(...ROLES), (c) => c.json({ sites: deps.meta.listSites(siteScope(c.var.user)).map(view) }))
    .put('/:id', requireRole('admin'), async (c) => {
      const id = c.req.param('id');
      visibleSite(id, c.var.user);
      const body = parseInput(PutSiteBody, await readJsonBody(c.req.raw), 'invalid_site', 422);
      const zone = canonicalTimeZone(body.time_zone);
      if (!zone) {
        throw new InputError(
          'invalid_site',
          `time_zone: "${body.time_zone}" is not an IANA time zone name; write one such as America/Bogota or America/Lima`,
          'time_zone',
          422,
        );
      }
      const now = deps.clock.now();
      const change = deps.meta.updateSite(id, { name: body.name, time_zone: zone }, c.var.user.user, now);
      const changed = Object.keys(change);
      if (changed.length > 0) deps.meta.audit(c.var.user.user, 'site_changed', { site: id, ...change }, now);
      if (change.time_zone) onZoneChanged(id);
      const answer: SiteAnswer = { site: view(deps.meta.siteById(id)!), changed };
      return c.json(answer);
    })
    .put('/:id/tiles', requireRole('admin'), async (c) => {
      const id = c.req.param('id');
      visibleSite(id, c.var.user);
      const { tile_layout: layout } = parseInput(PutTilesBody, await readJsonBody(c.req.raw), 'invalid_tiles', 422);
      // Only this site's sensors: a tile of another site would never show here.
      for (const [i, area] of (layout?.areas ?? []).entries()) {
        for (const [j, sensor] of area.sensors.entries()) {
          if (deps.meta.sensorById(sensor)?.site !== id) {
            throw new InputError(
              'invalid_tiles',
              `tile_layout.areas[${i}].sensors[${j}]: "${sensor}" is not a sensor of site "${id}" (see GET /api/v1/sensors)`,
              `tile_layout.areas[${i}].sensors[${j}]`,
              422,
            );
          }
        }
      }
      const now = deps.clock.now();
      const changed = deps.meta.setTileLayout(id, layout, c.var.user.user, now);
      if (changed) deps.meta.audit(c.var.user.user, 'site_tiles_changed', { site: id, tile_layout: layout }, now);
      const answer: SiteTilesAnswer = { site: view(deps.meta.siteById(id)!), changed };
      return c.json(answer);
    });
}
