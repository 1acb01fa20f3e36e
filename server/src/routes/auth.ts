/**
 * @module routes/auth
 * `POST /login`, `POST /logout`, `GET /me`. Login answers the same 401 for an unknown user
 * and a wrong password (and takes as long), and is rate-limited per client address and user.
 * Sign-ins (`login_succeeded`, `login_failed`) and sign-outs (`logged_out`) go to the audit log.
 * The client address is the peer's, or X-Forwarded-For's behind a trusted proxy (http/client-info.ts).
 * Logout also ends that session's live streams.
 */

import type { SessionUser } from '@vigia/shared';
import { InputError } from '@vigia/shared';
import { Hono } from 'hono';
import { createLoginLimiter, RateLimitedError } from '../auth/rate-limit.ts';
import { LoginRequest, ROLES } from '../auth/roles.ts';
import { dummyPasswordHash, verifyPassword } from '../auth/secrets.ts';
import { clearSessionCookie, isSameOrigin, type RequireRole, type SessionVars, startSession } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { clientInfo } from '../http/client-info.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';

const LOGIN_LIMITS = { maxWireBytes: 16 * 1024, maxDecodedBytes: 16 * 1024 };

export function authRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  // Per (address, user) and per address, so neither many users from one address nor many
  // parallel tries for one user get past the limit; and few password checks at once, because
  // scrypt runs on the worker pool that also gunzips ingest batches.
  const perUser = createLoginLimiter(5, 60_000);
  const perAddress = createLoginLimiter(20, 60_000);
  const MAX_CONCURRENT_CHECKS = 4;
  let checking = 0;
  const anyRole = requireRole(...ROLES);
  return new Hono<{ Variables: SessionVars }>()
    .post('/login', async (c) => {
      // Login CSRF: a browser always sends Origin on POST; a script may send none.
      if (c.req.header('origin') && !isSameOrigin(c)) {
        throw new InputError('cross_origin', 'sign in from the dashboard itself', undefined, 403);
      }
      const body = parseInput(LoginRequest, await readJsonBody(c.req.raw, LOGIN_LIMITS), 'invalid_login', 422);
      const client = clientInfo(c, deps.trustProxy);
      const address = client.address;
      const key = `${address}|${body.user}`;
      const now = deps.clock.now();
      perUser.check(key, now);
      perAddress.check(address, now);
      // Counted before the (slow) password check, so parallel tries cannot all pass `check`;
      // a success forgets this user's count.
      perUser.fail(key, now);
      perAddress.fail(address, now);
      if (checking >= MAX_CONCURRENT_CHECKS) {
        throw new RateLimitedError('too many sign-ins at once; try again (demasiados ingresos a la vez; reintente)', 1);
      }
      const user = deps.meta.userByName(body.user);
      checking++;
      let ok: boolean;
      try {
        ok = await verifyPassword(body.password, user?.password_hash ?? (await dummyPasswordHash()));
      } finally {
        checking--;
      }
      if (!user || !ok) {
        // Not yet anyone: the name tried is detail, not actor. Throttled tries (429) are not logged.
        deps.meta.audit('anonymous', 'login_failed', { user: body.user, address }, now);
        throw new InputError(
          'bad_credentials',
          'wrong user name or password (usuario o contraseña incorrectos)',
          undefined,
          401,
        );
      }
      if (user.disabled_at != null) {
        deps.meta.audit('anonymous', 'login_failed', { user: body.user, address, disabled: true }, now);
        throw new InputError(
          'user_disabled',
          'this user is disabled: ask an administrator (este usuario está deshabilitado: consulte a un administrador)',
          undefined,
          403,
        );
      }
      perUser.succeed(key);
      perAddress.forgive(address);
      deps.meta.deleteExpiredSessions(now);
      startSession(c, deps.meta, deps.clock, user.name, client.https);
      deps.meta.audit(user.name, 'login_succeeded', { address }, now);
      const answer: SessionUser = { user: user.name, role: user.role, sites: user.sites, all_sites: user.all_sites };
      return c.json(answer);
    })
    .post('/logout', anyRole, (c) => {
      deps.meta.deleteSession(c.var.sessionIdHash);
      deps.live.closeSession(c.var.sessionIdHash);
      clearSessionCookie(c);
      const { address } = clientInfo(c, deps.trustProxy);
      deps.meta.audit(c.var.user.user, 'logged_out', { address }, deps.clock.now());
      return c.json({ ok: true });
    })
    .get('/me', anyRole, (c) => c.json(c.var.user));
}
