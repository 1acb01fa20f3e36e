/**
 * @module auth/session
 * Session cookies and the `requireRole` middleware every session route group uses.
 * The cookie holds a random id; meta.db keeps only its hash. State-changing requests made
 * with the cookie must also come from the same origin (CSRF), besides SameSite=Strict.
 */

import type { Role, SessionUser } from '@vigia/shared';
import { InputError } from '@vigia/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Clock } from '../clock.ts';
import type { Meta } from '../meta/meta.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const SESSION_COOKIE = 'vigia_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type SessionVars = { user: SessionUser; sessionIdHash: string };
export type RequireRole = (...roles: Role[]) => MiddlewareHandler<{ Variables: SessionVars }>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request's Origin header names this server (scheme-less host comparison). */
export function isSameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Start a session for `user`: store the id's hash, set the cookie; `secure` (the client came
 * over https, directly or through a trusted proxy: http/client-info.ts) adds `Secure`.
 */
export function startSession(c: Context, meta: Meta, clock: Clock, user: string, secure: boolean): void {
  const id = newSecret();
  meta.createSession(hashSecret(id), user, clock.now() + SESSION_TTL_MS);
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
    secure,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** `requireRole(...roles)`: 401 without a valid session, 403 for another role or a cross-origin write. */
export function createRequireRole(deps: { meta: Meta; clock: Clock }): RequireRole {
  return (...roles) =>
    async function requireRole(c, next) {
      const id = getCookie(c, SESSION_COOKIE);
      const idHash = id ? hashSecret(id) : undefined;
      const row = idHash ? deps.meta.sessionUser(idHash, deps.clock.now()) : undefined;
      if (!row || !idHash) {
        throw new InputError('not_signed_in', 'sign in first (POST /api/v1/login)', undefined, 401);
      }
      if (!roles.includes(row.role)) {
        throw new InputError('forbidden', `the ${row.role} role may not do this; ask an administrator`, undefined, 403);
      }
      if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c)) {
        throw new InputError(
          'cross_origin',
          'this request must come from the dashboard itself (Origin header missing or foreign)',
          undefined,
          403,
        );
      }
      c.set('user', { user: row.name, role: row.role, sites: row.sites, all_sites: row.all_sites });
      c.set('sessionIdHash', idHash);
      await next();
    };
}
