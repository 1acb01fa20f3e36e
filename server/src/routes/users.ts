/**
 * @module routes/users
 * `GET /api/v1/users`, `POST /api/v1/users`, `PATCH /api/v1/users/:user` (admin only) and
 * `POST /api/v1/me/password` (any signed-in user, with the old password). Every change is
 * audit-logged; disabling a user or a new password ends that user's sessions and live streams at
 * once (auth/user-changes.ts). Same rules as `vigia-server user ...` (one implementation).
 */
import { InputError, Role, SiteId, type UsersAnswer } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES, UserName } from '../auth/roles.ts';
import { verifyPassword } from '../auth/secrets.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import { changeUser, UserPatch, userView } from '../auth/user-changes.ts';
import { addUser } from '../cli/admin.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';

const NewUser = z
  .object({
    user: UserName,
    role: Role,
    sites: z.array(SiteId).default([]),
    all_sites: z.boolean().default(false),
    password: z.string().min(1).max(1024),
  })
  .strict();

const PasswordChange = z
  .object({ old_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) })
  .strict();

export function usersRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  const ctx = (actor: string) => ({
    meta: deps.meta,
    actor,
    now: deps.clock.now(),
    endStreams: (user: string) => deps.live.closeUser(user),
  });
  return new Hono<{ Variables: SessionVars }>()
    .get('/', requireRole('admin'), (c) => c.json<UsersAnswer>({ users: deps.meta.listUsers().map(userView) }))
    .post('/', requireRole('admin'), async (c) => {
      const u = parseInput(NewUser, await readJsonBody(c.req.raw), 'invalid_body', 422);
      await addUser(
        deps.meta,
        deps.clock,
        { name: u.user, role: u.role, sites: u.sites, allSites: u.all_sites, password: u.password },
        c.var.user.user,
      );
      return c.json(userView(deps.meta.userByName(u.user)!), 201);
    })
    .patch('/:user', requireRole('admin'), async (c) => {
      const patch = parseInput(UserPatch, await readJsonBody(c.req.raw), 'invalid_body', 422);
      return c.json(await changeUser(ctx(c.var.user.user), c.req.param('user'), patch));
    });
}

/** `POST /api/v1/me/password`: the caller's own password; the caller's other sessions end. */
export function mePasswordRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().post('/password', requireRole(...ROLES), async (c) => {
    const { old_password, new_password } = parseInput(
      PasswordChange,
      await readJsonBody(c.req.raw),
      'invalid_body',
      422,
    );
    const name = c.var.user.user;
    const row = deps.meta.userByName(name)!;
    if (!(await verifyPassword(old_password, row.password_hash)))
      throw new InputError(
        'bad_credentials',
        'the current password is wrong (la contraseña actual no es correcta)',
        'old_password',
        403,
      );
    await changeUser(
      {
        meta: deps.meta,
        actor: name,
        now: deps.clock.now(),
        endStreams: (u) => deps.live.closeUser(u),
        keepSession: c.var.sessionIdHash,
      },
      name,
      { password: new_password },
    );
    // Every other session of the user ended; this one stays (its live view reconnects).
    return c.json({ ok: true });
  });
}
