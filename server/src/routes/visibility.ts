/** @module routes/visibility — which sites a user may see: their own, or all when their list is empty. */
import type { SessionUser } from '../auth/roles.ts';

export function canSeeSite(user: SessionUser, site: string): boolean {
  return user.sites.length === 0 || user.sites.includes(site);
}
