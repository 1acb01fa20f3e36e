/**
 * @module routes/visibility — which sites a user may see: those in their list, or every site
 * when created with `--all-sites` (`all_sites`). A user with neither sees none (fail closed).
 * `siteScope` turns that into the filter the meta/report queries take, where an empty list
 * means every site: a user without sites gets `[NO_SITE]`, which matches no site id.
 */
import { InputError } from '@vigia/shared';
import type { SessionUser } from '../auth/roles.ts';
import type { Meta } from '../meta/meta.ts';

/** Not a valid site id (SiteId allows only `[a-z0-9_.-]`), so it matches no site. */
export const NO_SITE = '(none)';

export function canSeeSite(user: Pick<SessionUser, 'all_sites' | 'sites'>, site: string): boolean {
  return user.all_sites || user.sites.includes(site);
}

/** The site filter for queries that read an empty list as "every site". */
export function siteScope(user: SessionUser): string[] {
  if (user.all_sites) return [];
  return user.sites.length > 0 ? user.sites : [NO_SITE];
}

/** Sensor `id` if `user` may see its site; else 404 `sensor_unknown` (another site's sensor is not revealed). */
export function visibleSensor(meta: Pick<Meta, 'sensorById'>, user: SessionUser, id: string) {
  const sensor = meta.sensorById(id);
  if (!sensor || !canSeeSite(user, sensor.site)) {
    throw new InputError('sensor_unknown', `no sensor "${id}" (see GET /api/v1/sensors)`, 'sensor', 404);
  }
  return sensor;
}
