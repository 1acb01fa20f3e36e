/**
 * @module auth/user-changes
 * Changing, disabling and removing users: the one implementation behind `PATCH /api/v1/users/:user`,
 * `POST /api/v1/me/password` and `vigia-server user disable|enable|passwd|remove`.
 *
 * Invariants:
 * - Disabling, removing or a new password ends every session of the user at once (meta.db) and,
 *   in the server process, its live streams (`endStreams`); a CLI change reaches streams at their
 *   next heartbeat, which re-checks the session (routes/live.ts).
 * - A change of role or sites ends the user's live streams too (they were filtered by the old
 *   sites); the browser reconnects with the new ones. Sessions stay.
 * - The last enabled admin cannot be disabled, demoted or removed: someone must be able to undo.
 * - Every change is audit-logged (`user_changed`, `user_removed`) naming the fields changed, never
 *   a password or its hash.
 */
import { InputError, Role, SiteId, type UserView } from '@vigia/shared';
import { z } from 'zod';
import type { Meta } from '../meta/meta.ts';
import type { UserChange, UserRow } from '../meta/users.ts';
import { checkNewPassword } from './password-policy.ts';
import { hashPassword } from './secrets.ts';

export const UserPatch = z
  .object({
    role: Role.optional(),
    sites: z.array(SiteId).optional(),
    all_sites: z.boolean().optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof UserPatch>;

/** How the API and `user list` show a user (shared `UserView`): never the hash. */
export const userView = (u: UserRow): UserView => ({
  user: u.name,
  role: u.role,
  sites: u.sites,
  all_sites: u.all_sites,
  disabled: u.disabled_at != null,
  disabled_at: u.disabled_at ?? null,
  created_at: u.created_at ?? null,
});

export type ChangeContext = {
  meta: Meta;
  actor: string;
  now: number;
  endStreams?: (user: string) => void;
  /** The session that asked (a user changing their own password stays signed in there). */
  keepSession?: string;
};

function existing(meta: Meta, name: string): UserRow {
  const u = meta.userByName(name);
  if (!u)
    throw new InputError(
      'user_unknown',
      `no user "${name}" (list them with GET /api/v1/users or vigia-server user list)`,
      undefined,
      404,
    );
  return u;
}

function keepAnAdmin(meta: Meta, name: string): void {
  const others = meta.listUsers().filter((u) => u.role === 'admin' && u.disabled_at == null && u.name !== name);
  if (others.length === 0)
    throw new InputError(
      'last_admin',
      `"${name}" is the last enabled admin: make another user admin first (es el último administrador activo: nombre otro primero)`,
      undefined,
      409,
    );
}

/** Applies `patch` to user `name`; returns the user as changed. */
export async function changeUser(ctx: ChangeContext, name: string, patch: UserPatch): Promise<UserView> {
  const { meta, actor, now } = ctx;
  const before = existing(meta, name);
  const wasAdmin = before.role === 'admin' && before.disabled_at == null;
  if (wasAdmin && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true))
    keepAnAdmin(meta, name);
  if (patch.all_sites === true && patch.sites !== undefined && patch.sites.length > 0)
    throw new InputError('invalid_body', 'give either sites or all_sites: true, not both', 'sites', 422);
  const change: UserChange = {};
  const fields: string[] = [];
  if (patch.role !== undefined && patch.role !== before.role) {
    change.role = patch.role;
    fields.push('role');
  }
  if (patch.sites !== undefined) {
    change.sites = patch.sites;
    // A list of sites replaces "every site" unless all_sites is asked for again.
    if (patch.all_sites === undefined && before.all_sites) change.all_sites = false;
    fields.push('sites');
  }
  if (patch.all_sites !== undefined && patch.all_sites !== before.all_sites) {
    change.all_sites = patch.all_sites;
    if (patch.all_sites) change.sites = [];
    if (!fields.includes('sites')) fields.push('all_sites');
  }
  if (patch.disabled !== undefined && patch.disabled !== (before.disabled_at != null)) {
    change.disabled_at = patch.disabled ? now : null;
    fields.push('disabled');
  }
  if (patch.password !== undefined) {
    checkNewPassword(patch.password, name);
    change.password_hash = await hashPassword(patch.password);
    fields.push('password');
  }
  if (fields.length === 0) return userView(before);
  meta.updateUser(name, change);
  let sessionsEnded = 0;
  if (change.disabled_at != null || change.password_hash !== undefined)
    sessionsEnded = meta.deleteSessionsOf(name, ctx.keepSession);
  ctx.endStreams?.(name);
  meta.audit(
    actor,
    'user_changed',
    {
      user: name,
      fields,
      ...(change.role ? { role: change.role } : {}),
      ...(fields.includes('sites') || fields.includes('all_sites')
        ? { sites: change.sites ?? before.sites, all_sites: change.all_sites ?? before.all_sites }
        : {}),
      ...(fields.includes('disabled') ? { disabled: change.disabled_at != null } : {}),
      sessions_ended: sessionsEnded,
    },
    now,
  );
  return userView(existing(meta, name));
}

/** Deletes user `name` and its sessions; its name stays in the audit log and on what it changed. */
export function removeUser(ctx: ChangeContext, name: string): void {
  const before = existing(ctx.meta, name);
  if (before.role === 'admin' && before.disabled_at == null) keepAnAdmin(ctx.meta, name);
  ctx.meta.removeUser(name);
  ctx.endStreams?.(name);
  ctx.meta.audit(ctx.actor, 'user_removed', { user: name, role: before.role }, ctx.now);
}
