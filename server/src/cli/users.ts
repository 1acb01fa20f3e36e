/**
 * @module cli/users
 * `vigia-server user list|disable|enable|passwd|remove`: the CLI side of auth/user-changes.ts
 * (the same rules as the API, actor `cli`). They write meta.db only: the sessions of a disabled,
 * removed or re-passworded user are deleted there, and a running server ends that user's live
 * streams at their next heartbeat (routes/live.ts re-checks the session). A password comes from
 * stdin only.
 */
import { changeUser, removeUser, userView } from '../auth/user-changes.ts';
import type { Clock } from '../clock.ts';
import type { Meta } from '../meta/meta.ts';

const ctx = (meta: Meta, clock: Clock) => ({ meta, actor: 'cli', now: clock.now() });

/** One line a user: name, role, sites, state. */
export function listUsers(meta: Meta): string[] {
  const users = meta.listUsers().map(userView);
  if (users.length === 0)
    return ['No users yet: create one with vigia-server user add <name> --role admin --all-sites --password-stdin'];
  return users.map((u) => {
    const sites = u.all_sites ? 'all sites' : u.sites.length > 0 ? `sites ${u.sites.join(',')}` : 'no site';
    const state = u.disabled ? `disabled since ${new Date(u.disabled_at!).toISOString()}` : 'enabled';
    return `${u.user}\t${u.role}\t${sites}\t${state}`;
  });
}

export async function setUserDisabled(meta: Meta, clock: Clock, name: string, disabled: boolean): Promise<string> {
  const before = meta.userByName(name);
  const after = await changeUser(ctx(meta, clock), name, { disabled });
  if (before && (before.disabled_at != null) === disabled)
    return `User "${name}" was already ${disabled ? 'disabled' : 'enabled'}; nothing changed.`;
  return disabled
    ? `User "${after.user}" disabled: its sessions are ended and it cannot sign in (vigia-server user enable ${after.user} undoes it).`
    : `User "${after.user}" enabled: it can sign in again with its password.`;
}

export async function setUserPassword(meta: Meta, clock: Clock, name: string, password: string): Promise<string> {
  await changeUser(ctx(meta, clock), name, { password });
  return `Password of "${name}" changed; its sessions are ended (it signs in again with the new one).`;
}

export function deleteUser(meta: Meta, clock: Clock, name: string): string {
  removeUser(ctx(meta, clock), name);
  return `User "${name}" removed; its name stays in the audit log and on what it changed.`;
}
