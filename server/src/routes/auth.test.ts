import { ErrorBody } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, type TestApp } from '../../test-support/test-app.ts';
import { addUser } from '../cli/admin.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await addUser(t.meta, t.clock, {
    name: 'maria',
    role: 'officer',
    sites: ['mobile-plant'],
    password: 'correct horse',
  });
});
afterEach(() => t.close());

const login = (user: string, password: string, headers: Record<string, string> = {}) =>
  t.app.request('/api/v1/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ user, password }),
  });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe('auth routes', () => {
  it('logs in with the right password: answers the user and sets a strict httpOnly session cookie', async () => {
    const res = await login('maria', 'correct horse');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: 'maria', role: 'officer', sites: ['mobile-plant'], all_sites: false });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vigia_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=43200/);
    const me = await t.app.request('/api/v1/me', { headers: { cookie: cookieOf(res) } });
    expect(await me.json()).toEqual({ user: 'maria', role: 'officer', sites: ['mobile-plant'], all_sites: false });
  });

  it('answers the same 401 for a wrong password and an unknown user', async () => {
    for (const res of [await login('maria', 'wrong password'), await login('nobody', 'correct horse')]) {
      expect(res.status).toBe(401);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('bad_credentials');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('refuses a malformed login body naming the field', async () => {
    const res = await t.app.request('/api/v1/login', { method: 'POST', body: JSON.stringify({ user: 'maria' }) });
    expect(res.status).toBe(422);
    expect(ErrorBody.parse(await res.json()).error).toMatchObject({ code: 'invalid_login', path: 'password' });
  });

  it('locks a user out from one address after 5 failures in a minute, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await login('maria', 'nope')).status).toBe(401);
    const locked = await login('maria', 'correct horse');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorBody.parse(await locked.json()).error.message).toMatch(/try again in \d+ s/);
    t.clock.set(t.clock.now() + 61_000);
    expect((await login('maria', 'correct horse')).status).toBe(200);
  });

  it('parallel tries cannot slip past the limit: each is counted before the password check', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => login('maria', 'nope')));
    const statuses = answers.map((r) => r.status).sort();
    // At most 5 reach the password check (401); the rest are refused at once (429).
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect((await login('maria', 'correct horse')).status).toBe(429);
  });

  it('does not count successful sign-ins against the address (many operators behind one router)', async () => {
    for (let i = 0; i < 25; i++) expect((await login('maria', 'correct horse')).status).toBe(200);
  });

  it('limits one address trying many user names (20 failures a minute)', async () => {
    for (let i = 0; i < 20; i++) expect((await login(`user${i}`, 'nope')).status).toBe(401);
    const res = await login('maria', 'correct horse');
    expect(res.status).toBe(429);
    t.clock.set(t.clock.now() + 61_000);
    expect((await login('maria', 'correct horse')).status).toBe(200);
  });

  it('expires a session after 12 hours', async () => {
    const cookie = cookieOf(await login('maria', 'correct horse'));
    t.clock.set(t.clock.now() + 12 * 3600_000 + 1);
    expect((await t.app.request('/api/v1/me', { headers: { cookie } })).status).toBe(401);
  });

  it('logs out only with a same-origin Origin header (CSRF), then the cookie is dead', async () => {
    const cookie = cookieOf(await login('maria', 'correct horse'));
    const noOrigin = await t.app.request('/api/v1/logout', { method: 'POST', headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    expect(ErrorBody.parse(await noOrigin.json()).error.code).toBe('cross_origin');
    const foreign = await t.app.request('/api/v1/logout', {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const ok = await t.app.request('/api/v1/logout', { method: 'POST', headers: { cookie, origin: ORIGIN } });
    expect(await ok.json()).toEqual({ ok: true });
    expect(ok.headers.get('set-cookie')).toMatch(/vigia_session=;.*Max-Age=0/);
    expect((await t.app.request('/api/v1/me', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a login posted from a foreign origin', async () => {
    expect((await login('maria', 'correct horse', { origin: 'http://evil.example' })).status).toBe(403);
  });
});
