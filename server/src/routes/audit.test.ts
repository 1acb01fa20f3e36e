// GET /api/v1/audit and what writes to the audit log: admin only, every state-changing action.
import { ErrorBody } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { revokeDevice } from '../cli/admin.ts';

type Entry = { seq: number; ts: number; actor: string; action: string; detail: Record<string, unknown> };

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const audit = async (cookie: string, query = `from=${T0}&to=${T0 + 86_400_000}`) =>
  t.app.request(`/api/v1/audit?${query}`, { headers: { cookie } });

const entries = async (cookie: string, query?: string) =>
  ((await (await audit(cookie, query)).json()) as { entries: Entry[]; truncated: boolean }).entries;

describe('audit log', () => {
  it('records device added and revoked, user added, sign-in success and failure, and sign-out', async () => {
    t.device('plant-01');
    const admin = await t.signIn('root', 'admin');
    t.clock.set(T0 + 61_000);
    const bad = await t.app.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ user: 'root', password: 'wrong password' }),
    });
    expect(bad.status).toBe(401);
    t.clock.set(T0 + 62_000);
    expect(revokeDevice(t.meta, t.clock, { id: 'plant-01' })).toMatch(/revoked/);
    expect(revokeDevice(t.meta, t.clock, { id: 'plant-01' })).toMatch(/already revoked/);
    const other = await t.signIn('ana', 'operator');
    t.clock.set(T0 + 63_000);
    const out = await t.app.request('/api/v1/logout', { method: 'POST', headers: { cookie: other, origin: ORIGIN } });
    expect(out.status).toBe(200);

    const log = await entries(admin);
    expect(log.map((e) => [e.ts, e.actor, e.action])).toEqual([
      [T0 + 60_000, 'cli', 'device_added'],
      [T0 + 60_000, 'cli', 'user_added'],
      [T0 + 60_000, 'root', 'login_succeeded'],
      [T0 + 61_000, 'anonymous', 'login_failed'],
      [T0 + 62_000, 'cli', 'device_revoked'],
      [T0 + 62_000, 'cli', 'user_added'],
      [T0 + 62_000, 'ana', 'login_succeeded'],
      [T0 + 63_000, 'ana', 'logged_out'],
    ]);
    expect(log[0].detail).toEqual({ device: 'plant-01', site: 'mobile-plant' });
    expect(log[1].detail).toEqual({ user: 'root', role: 'admin', sites: [], all_sites: true });
    expect(log[3].detail).toEqual({ user: 'root', address: 'local' });
    expect(log[4].detail).toEqual({ device: 'plant-01' });
    expect(JSON.stringify(log)).not.toMatch(/password/);
    // Strictly increasing seq.
    expect(log.map((e) => e.seq)).toEqual([...log.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('answers [from, to) only, and says when `limit` cut the answer', async () => {
    const admin = await t.signIn('root', 'admin');
    t.clock.set(T0 + 120_000);
    t.device('plant-01');
    t.clock.set(T0 + 180_000);
    t.device('plant-02');
    const middle = await entries(admin, `from=${T0 + 120_000}&to=${T0 + 180_000}`);
    expect(middle.map((e) => e.detail.device)).toEqual(['plant-01']);
    const cut = (await (await audit(admin, `from=${T0}&to=${T0 + 86_400_000}&limit=2`)).json()) as {
      entries: Entry[];
      truncated: boolean;
    };
    expect(cut.entries).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    const all = (await (await audit(admin)).json()) as { truncated: boolean };
    expect(all.truncated).toBe(false);
  });

  it('is for admins only, and names a bad parameter', async () => {
    for (const role of ['operator', 'officer', 'technician']) {
      const res = await audit(await t.signIn(`u-${role}`, role));
      expect(res.status, role).toBe(403);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('forbidden');
    }
    const admin = await t.signIn('root', 'admin');
    for (const [query, path] of [
      [`from=${T0}`, 'to'],
      [`from=${T0}&to=${T0}`, 'to'],
      [`from=x&to=${T0}`, 'from'],
      [`from=${T0}&to=${T0 + 1}&limit=0`, 'limit'],
    ]) {
      const res = await audit(admin, query);
      expect(res.status, query).toBe(400);
      expect(ErrorBody.parse(await res.json()).error).toMatchObject({ code: 'invalid_query', path });
    }
  });

  it('device revoke refuses an unknown device with device_unknown', () => {
    expect(() => revokeDevice(t.meta, t.clock, { id: 'ghost' })).toThrow(/no device "ghost"/);
  });
});
