/**
 * @module routes/visibility — which sites a user may see: those in their list, or every site
 * when created with `--all-sites` (`all_sites`). A user with neither sees none (fail closed).
 * `siteScope` turns that into the filter the meta/report queries take, where an empty list
 * means every site: a user without sites gets `[NO_SITE]`, which matches no site id.
 */
import type { SessionUser } from '../auth/roles.ts';

/** Not a valid site id (SiteId allows only `[a-z0-9_.-]`), so it matches no site. */
export const NO_SITE = '(none)';

export function canSeeSite(user: SessionUser, site: string): boolean {
  return user.all_sites || user.sites.includes(site);
}

/** The site filter for queries that read an empty list as "every site". */
export function siteScope(user: SessionUser): string[] {
  if (user.all_sites) return [];
  return user.sites.length > 0 ? user.sites : [NO_SITE];
}
