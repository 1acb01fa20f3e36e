/**
 * @module local-api/access
 * Who may do what on the local API. Invariants:
 * - A change (config, probe, calibration, password) needs the technician password: HTTP Basic
 *   `technician:<password>` (scripts, `vigia-config`) or a session cookie from `POST /login`
 *   (the page). Being on loopback is not enough. With no `api.password_file` every change is
 *   refused 403 saying how to set one (`vigia-edge passwd`).
 * - A cookie counts only with an `Origin` equal to the agent's own origin (the page's own
 *   fetches send it); any request whose `Origin` is another site is refused, so a web page
 *   elsewhere cannot change anything even in a browser that is logged in. The cookie is
 *   `HttpOnly; SameSite=Strict`.
 * - Wrong passwords are counted (`vigia_api_auth_failures_total`) and, per peer address, more
 *   than `MAX_FAILURES` within `WINDOW_MS` lock that address out (429) until the window passes.
 * - The password files hold only a scrypt hash (`scrypt$N$r$p$salt$hash`, base64) and are read
 *   on each check, so `vigia-edge passwd` takes effect without a restart.
 * - Reads need the viewer (or technician) password only when `api.viewer_password_file` is set,
 *   and never from loopback (vigia-config status, a local metrics scraper).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Counter } from 'prom-client';

export type Role = 'viewer' | 'technician';
export type Refusal = { status: number; code: string; message: string };

const N = 16384;
const R = 8;
const P = 1;
const MAX_FAILURES = 5;
const WINDOW_MS = 10 * 60_000;
const SESSION_MS = 12 * 3600_000;
export const SESSION_COOKIE = 'vigia_session';

/** A scrypt hash of `password` in the one format the password files hold. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether `password` matches `stored` (constant time on the hash); false for a malformed hash. */
export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.trim().split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const want = Buffer.from(parts[5], 'base64');
  if (!n || !r || !p || want.length === 0) return false;
  const got = scryptSync(password, salt, want.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return timingSafeEqual(got, want);
}

/** A loopback peer address (IPv4, IPv6, or IPv4-mapped IPv6). */
export function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export type AccessDeps = {
  passwordFile: () => string | undefined;
  viewerPasswordFile: () => string | undefined;
  failures: Counter<'role'>;
  clock?: () => number;
};

export function createAccess(deps: AccessDeps) {
  const now = deps.clock ?? Date.now;
  const sessions = new Map<string, { role: Role; expires: number }>();
  const failed = new Map<string, number[]>();

  const readHash = (file: string | undefined): string | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };

  const recentFailures = (peer: string): number[] => {
    const t = now();
    const list = (failed.get(peer) ?? []).filter((at) => t - at < WINDOW_MS);
    if (list.length) failed.set(peer, list);
    else failed.delete(peer);
    return list;
  };

  const locked = (peer: string): Refusal | null =>
    recentFailures(peer).length >= MAX_FAILURES
      ? {
          status: 429,
          code: 'too_many_attempts',
          message: `too many wrong passwords from ${peer}; wait 10 minutes / demasiadas contraseñas erradas; espere 10 minutos`,
        }
      : null;

  const noteFailure = (peer: string, role: Role): void => {
    deps.failures.inc({ role });
    failed.set(peer, [...recentFailures(peer), now()]);
  };

  /** The role a password gives, or null. */
  function check(password: string): Role | null {
    const tech = readHash(deps.passwordFile());
    if (tech && verifyPassword(password, tech)) return 'technician';
    const viewer = readHash(deps.viewerPasswordFile());
    if (viewer && verifyPassword(password, viewer)) return 'viewer';
    return null;
  }

  /** `Origin` absent (scripts) or this agent's own origin (the page). */
  function originOk(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${req.headers.host}`;
  }

  /** The role the request proves, a refusal (wrong password, locked), or null (none given). */
  function identify(req: IncomingMessage): Role | Refusal | null {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const lock = locked(peer);
      if (lock) return lock;
      const text = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = text.indexOf(':');
      const user = text.slice(0, colon);
      const role = colon > 0 && (user === 'technician' || user === 'viewer') ? check(text.slice(colon + 1)) : null;
      if (role === null || (user === 'technician' && role !== 'technician')) {
        noteFailure(peer, user === 'viewer' ? 'viewer' : 'technician');
        return { status: 401, code: 'unauthorized', message: 'wrong user or password / usuario o contraseña errados' };
      }
      return role;
    }
    const token = cookie(req, SESSION_COOKIE);
    const session = token ? sessions.get(token) : undefined;
    if (session && session.expires > now()) return session.role;
    if (session && token) sessions.delete(token);
    return null;
  }

  return {
    /** Null when the request may change things; else why not. */
    forChange(req: IncomingMessage): Refusal | null {
      if (!originOk(req))
        return {
          status: 403,
          code: 'forbidden',
          message:
            'a page from another web site cannot change this agent / otra página web no puede cambiar este agente',
        };
      if (!readHash(deps.passwordFile()))
        return {
          status: 403,
          code: 'no_password',
          message:
            'no technician password is set: on the device run  vigia-edge passwd --config /etc/vigia/edge.yaml  (and set api.password_file) / no hay contraseña de técnico: en el equipo ejecute  vigia-edge passwd --config /etc/vigia/edge.yaml',
        };
      const who = identify(req);
      if (who === 'technician') {
        // A cookie alone could ride on a request the page did not make: it counts with our Origin only.
        if (req.headers.authorization === undefined && req.headers.origin === undefined)
          return { status: 403, code: 'forbidden', message: 'a session needs the Origin header of this page' };
        return null;
      }
      if (who === 'viewer')
        return {
          status: 403,
          code: 'forbidden',
          message: 'the viewer password cannot change anything / la contraseña de operador no cambia nada',
        };
      if (who) return who;
      return {
        status: 401,
        code: 'unauthorized',
        message:
          'the technician password is needed: HTTP Basic technician:<password> or log in on the page / se necesita la contraseña de técnico',
      };
    },

    /** `GET /config`: the technician only (Basic or the session cookie; a read, so no Origin needed). */
    forTechnicianRead(req: IncomingMessage): Refusal | null {
      if (!originOk(req))
        return { status: 403, code: 'forbidden', message: 'a page from another web site cannot read this' };
      const who = identify(req);
      if (who === 'technician') return null;
      if (who && who !== 'viewer') return who;
      return {
        status: 401,
        code: 'unauthorized',
        message: 'the technician password is needed / se necesita la contraseña de técnico',
      };
    },

    /** Null when the request may read; else why not. */
    forRead(req: IncomingMessage): Refusal | null {
      if (!readHash(deps.viewerPasswordFile()) || isLoopback(req.socket.remoteAddress)) return null;
      const who = identify(req);
      if (who === 'technician' || who === 'viewer') return null;
      if (who) return who;
      return { status: 401, code: 'unauthorized', message: 'log in to see this agent / ingrese para ver este agente' };
    },

    /** `POST /login`: a cookie header for a right password, else the refusal. */
    login(req: IncomingMessage, password: string): { role: Role; setCookie: string } | Refusal {
      if (!originOk(req))
        return { status: 403, code: 'forbidden', message: 'a page from another web site cannot log in here' };
      const peer = req.socket.remoteAddress ?? 'unknown';
      const lock = locked(peer);
      if (lock) return lock;
      const role = check(password);
      if (!role) {
        noteFailure(peer, 'technician');
        return { status: 401, code: 'unauthorized', message: 'wrong password / contraseña errada' };
      }
      const token = randomBytes(24).toString('base64url');
      for (const [k, s] of sessions) if (s.expires <= now()) sessions.delete(k);
      sessions.set(token, { role, expires: now() + SESSION_MS });
      return {
        role,
        setCookie: `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`,
      };
    },

    logout(req: IncomingMessage): void {
      const token = cookie(req, SESSION_COOKIE);
      if (token) sessions.delete(token);
    },

    /** Ends every session (after a password change). */
    endSessions(): void {
      sessions.clear();
    },
  };
}
export type Access = ReturnType<typeof createAccess>;
