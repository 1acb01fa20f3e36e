// Users through the whole app: admin-only listing, creation and changes, audited; disabling a user
// or a new password ends its sessions and an open live stream at once (the heartbeat is set far
// away, so only the change can end it); the last admin stays; a user changes their own password.
import { UsersAnswer, UserView } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

let t: TestApp;
let admin = '';
beforeEach(async () => {
  t = await makeTestApp({ heartbeatMs: 3_600_000 });
  admin = await t.signIn('root', 'admin');
});
afterEach(() => t.close());

const send = (method: string, path: string, cookie: string, body?: unknown) =>
  t.app.request(path, {
    method,
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const login = async (user: string, password: string) =>
  t.app.request('/api/v1/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ user, password }),
  });

/** Resolves when the stream's body ends (true), or after `ms` still open (false). */
async function endsWithin(res: Response, ms: number): Promise<boolean> {
  const reader = res.body!.getReader();
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      void reader.cancel();
      return false;
    }
    const r = await Promise.race([
      reader.read(),
      new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), left)),
    ]);
    if (r === 'timeout') {
      void reader.cancel();
      return false;
    }
    if (r.done) return true;
  }
}

describe('users API', () => {
  it('lets an admin create, list and change users; operators and officers get 403', async () => {
    const created = await send('POST', '/api/v1/users', admin, {
      user: 'lucia',
      role: 'officer',
      sites: ['mobile-plant'],
      password: 'cuatro palabras largas aquí',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(wire(UserView, await created.json())).toMatchObject({
      user: 'lucia',
      role: 'officer',
      sites: ['mobile-plant'],
      disabled: false,
    });
    const list = wire(UsersAnswer, await (await send('GET', '/api/v1/users', admin)).json());
    expect(list.users.map((u) => u.user)).toEqual(['lucia', 'root']);
    expect(JSON.stringify(list)).not.toMatch(/password|scrypt/);

    const patched = await send('PATCH', '/api/v1/users/lucia', admin, { role: 'operator', sites: ['other'] });
    expect(wire(UserView, await patched.json())).toMatchObject({
      role: 'operator',
      sites: ['other'],
      all_sites: false,
    });

    const officer = await t.signIn('maria', 'officer');
    const operator = await t.signIn('juan', 'operator');
    for (const cookie of [officer, operator]) {
      expect((await send('GET', '/api/v1/users', cookie)).status).toBe(403);
      expect((await send('PATCH', '/api/v1/users/lucia', cookie, { disabled: true })).status).toBe(403);
      expect(
        (
          await send('POST', '/api/v1/users', cookie, {
            user: 'x',
            role: 'admin',
            password: 'cuatro palabras largas aquí',
          })
        ).status,
      ).toBe(403);
    }
    const audit = t.meta.listAudit(0, T0 * 2, 100).map((e) => [e.actor, e.action]);
    expect(audit).toContainEqual(['root', 'user_added']);
    expect(audit).toContainEqual(['root', 'user_changed']);
  });

  it('refuses a weak password, an unknown user and a bad role with messages that say what to do', async () => {
    const weak = await send('POST', '/api/v1/users', admin, { user: 'x', role: 'officer', password: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toMatch(/12/);
    expect((await send('PATCH', '/api/v1/users/nobody', admin, { disabled: true })).status).toBe(404);
    const role = await send('PATCH', '/api/v1/users/root', admin, { role: 'king' });
    expect(role.status).toBe(422);
  });

  it('keeps the last enabled admin', async () => {
    const res = await send('PATCH', '/api/v1/users/root', admin, { disabled: true });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('last_admin');
  });

  it('disabling a user ends its session and its open live stream at once, and it cannot sign in', async () => {
    const ana = await t.signIn('ana', 'operator');
    const live = await t.app.request('/api/v1/live', { headers: { cookie: ana } });
    expect(live.status).toBe(200);
    // Still open while nothing changes (the heartbeat is an hour away).
    const [stillOpen] = await Promise.all([endsWithin(live.clone(), 200)]);
    expect(stillOpen).toBe(false);
    const ended = endsWithin(live, 5_000);
    const res = await send('PATCH', '/api/v1/users/ana', admin, { disabled: true });
    expect(res.status).toBe(200);
    expect(await ended).toBe(true);
    expect((await t.app.request('/api/v1/me', { headers: { cookie: ana } })).status).toBe(401);
    const again = await login('ana', 'ana-password-for-tests');
    expect(again.status).toBe(403);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('user_disabled');
    // Enabled again: signs in with the same password.
    await send('PATCH', '/api/v1/users/ana', admin, { disabled: false });
    expect((await login('ana', 'ana-password-for-tests')).status).toBe(200);
  });

  it('a password set by the admin ends the user sessions; the new one signs in', async () => {
    const ana = await t.signIn('ana', 'operator');
    const res = await send('PATCH', '/api/v1/users/ana', admin, { password: 'otra clave bastante larga' });
    expect(res.status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: { cookie: ana } })).status).toBe(401);
    expect((await login('ana', 'ana-password-for-tests')).status).toBe(401);
    expect((await login('ana', 'otra clave bastante larga')).status).toBe(200);
  });
});

describe('POST /api/v1/me/password', () => {
  it('needs the old password; the other sessions end, this one stays', async () => {
    const here = await t.signIn('ana', 'operator');
    const elsewhere = (await login('ana', 'ana-password-for-tests')).headers.get('set-cookie')!.split(';')[0];
    const wrong = await send('POST', '/api/v1/me/password', here, {
      old_password: 'not it at all, no',
      new_password: 'una clave nueva y larga',
    });
    expect(wrong.status).toBe(403);
    const ok = await send('POST', '/api/v1/me/password', here, {
      old_password: 'ana-password-for-tests',
      new_password: 'una clave nueva y larga',
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: { cookie: here } })).status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: { cookie: elsewhere } })).status).toBe(401);
    expect((await login('ana', 'una clave nueva y larga')).status).toBe(200);
  });
});
