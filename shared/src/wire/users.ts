/**
 * @module wire/users — who is signed in (`POST /api/v1/login`, `GET /api/v1/me`), the users an
 * admin manages (`/api/v1/users`) and the sites (`/api/v1/sites`), as answered (docs/api.md).
 * The server types its answers with these; the dashboard parses with them.
 */
import { z } from 'zod';
import { TileLayout } from '../tile-layout.ts';

export const Role = z.enum(['operator', 'officer', 'technician', 'admin']);
export type Role = z.infer<typeof Role>;

/** `all_sites`: created with `--all-sites` (sees every site, `sites` empty). */
export const SessionUser = z.object({
  user: z.string(),
  role: Role,
  sites: z.array(z.string()),
  all_sites: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUser>;

/** How the API and `user list` show a user: never the hash. */
export const UserView = SessionUser.extend({
  disabled: z.boolean(),
  disabled_at: z.number().nullable(),
  created_at: z.number().nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const UsersAnswer = z.object({ users: z.array(UserView) });
export type UsersAnswer = z.infer<typeof UsersAnswer>;

/**
 * A site: its name (null until an admin names it: show the id), IANA time zone, and the
 * dashboard's tile layout (null: tiles grouped by quantity).
 */
export const SiteView = z.object({
  id: z.string(),
  name: z.string().nullable(),
  time_zone: z.string(),
  updated_at: z.number().nullable(),
  updated_by: z.string().nullable(),
  tile_layout: TileLayout.nullable(),
});
export type SiteView = z.infer<typeof SiteView>;

export const SitesAnswer = z.object({ sites: z.array(SiteView) });
export type SitesAnswer = z.infer<typeof SitesAnswer>;

/** `PUT /api/v1/sites/:id`: the stored site and the names of the fields that changed. */
export const SiteAnswer = z.object({ site: SiteView, changed: z.array(z.string()) });
export type SiteAnswer = z.infer<typeof SiteAnswer>;

/** `PUT /api/v1/sites/:id/tiles`: the stored site and whether the layout changed. */
export const SiteTilesAnswer = z.object({ site: SiteView, changed: z.boolean() });
export type SiteTilesAnswer = z.infer<typeof SiteTilesAnswer>;
