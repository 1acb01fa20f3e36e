/**
 * Browser test: what each role is offered and refused. An operator is offered none of the
 * officer/admin pages (permits, users, sites), sees "no access" in words when it types their
 * address, gets 403 from every route behind them, and has no unacknowledged-breaches badge; an
 * officer is offered permits (not users or sites) and has the badge; an admin is offered all.
 * Real vigia-server process, real Debian Chromium (playwright-core).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const USERS = {
  operator: { user: 'ana', role: 'operator', password: 'operadora-2026' },
  officer: { user: 'maria', role: 'officer', password: 'oficial-seguro-2026' },
  admin: { user: 'jefa', role: 'admin', password: 'admin-seguro-2026' },
};
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const OFFICER_PAGES = ['permits', 'users', 'sites'] as const;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';

async function signedIn(who: keyof typeof USERS): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-CO' });
  const p = await context.newPage();
  await signInThroughForm(p, `${baseUrl}/`, USERS[who].user, USERS[who].password);
  return p;
}

const offeredTabs = async (p: Page) =>
  (await p.locator('nav.tabs a[data-route]').evaluateAll((as) => as.map((a) => a.getAttribute('data-route')))).sort();

beforeAll(async () => {
  rig = await browserRig('roles');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  for (const u of Object.values(USERS)) await rig.server.addUser(u);
  await rig.server.start();
  // A permit and one breach, so the badge has something to count.
  const now = Date.now();
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [PH],
    readings: [{ sensor: PH.id, ts: now - 5000, value: 7 }],
  });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
  const officer = await signedIn('officer');
  const put = await officer.request.put(`${baseUrl}/api/v1/permits`, {
    headers: { origin: baseUrl },
    data: {
      permits: [
        {
          id: 'p',
          title: 'P',
          site: 'mobile-plant',
          rules: [{ id: 'ph', sensor: PH.id, kind: 'max', max: 9, averaging: 'instant', severity: 'breach' }],
        },
      ],
    },
  });
  expect(put.status()).toBe(200);
  await officer.context().close();
  const high = await postIngest(baseUrl, token, {
    device: 'plant-01',
    readings: [{ sensor: PH.id, ts: Date.now(), value: 9.5 }],
  });
  expect(high.status, high.text).toBe(200);
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('roles', () => {
  it('operator: no officer/admin page offered, "no access" at their address, 403 on their routes, no badge', async () => {
    const p = await signedIn('operator');
    expect(await offeredTabs(p)).toEqual(['breaches', 'devices', 'live', 'report']);
    for (const route of OFFICER_PAGES) {
      await p.goto(`${baseUrl}/#/${route}`);
      const none = p.locator('main[data-page="no-access"] [role="alert"]');
      await none.waitFor({ timeout: 10_000 });
      expect(await none.textContent()).toBe(
        'Su usuario (operator) no tiene acceso a esta página. Si la necesita, pídala a un administrador.',
      );
      expect(await p.locator(`main[data-page="${route}"]`).count()).toBe(0);
    }
    await screenshot(p, shotDir, 'roles-operator-no-access-1280x800.png');
    const headers = { origin: baseUrl };
    const permit = { id: 'x', title: 'x', site: 'mobile-plant', rules: [] };
    const refused = [
      await p.request.get(`${baseUrl}/api/v1/templates`),
      await p.request.get(`${baseUrl}/api/v1/permits/p/history`),
      await p.request.put(`${baseUrl}/api/v1/permits`, { headers, data: { permits: [permit] } }),
      await p.request.post(`${baseUrl}/api/v1/permits/preview`, { headers, data: { permit, from: 0, to: 1 } }),
      await p.request.get(`${baseUrl}/api/v1/users`),
      await p.request.put(`${baseUrl}/api/v1/sites/mobile-plant`, {
        headers,
        data: { name: 'x', time_zone: 'America/Bogota' },
      }),
      await p.request.post(`${baseUrl}/api/v1/breaches/1/ack`, { headers, data: { note: 'x' } }),
    ];
    expect(refused.map((r) => r.status())).toEqual([403, 403, 403, 403, 403, 403, 403]);
    // The breaches tab is offered (operators add notes) but carries no badge.
    await p.goto(`${baseUrl}/#/breaches`);
    await p.locator('article.breach').first().waitFor({ timeout: 15_000 });
    expect(await p.locator('.tabs__badge').count()).toBe(0);
    await p.context().close();
  }, 90_000);

  it('officer: permits offered, users and sites not (no access, 403); the badge counts the open breach', async () => {
    const p = await signedIn('officer');
    expect(await offeredTabs(p)).toEqual(['breaches', 'devices', 'live', 'permits', 'report']);
    await expect.poll(() => p.locator('.tabs__badge').getAttribute('data-unacked'), { timeout: 20_000 }).toBe('1');
    for (const route of ['users', 'sites']) {
      await p.goto(`${baseUrl}/#/${route}`);
      await p.locator('main[data-page="no-access"]').waitFor({ timeout: 10_000 });
    }
    expect((await p.request.get(`${baseUrl}/api/v1/users`)).status()).toBe(403);
    await p.goto(`${baseUrl}/#/permits`);
    await p.locator('section[data-permit="p"]').waitFor({ timeout: 10_000 });
    expect(await p.locator('main[data-page="no-access"]').count()).toBe(0);
    await p.context().close();
  }, 60_000);

  it('admin: every page offered and reachable, with the badge', async () => {
    const p = await signedIn('admin');
    expect(await offeredTabs(p)).toEqual(['breaches', 'devices', 'live', 'permits', 'report', 'sites', 'users']);
    await expect.poll(() => p.locator('.tabs__badge').getAttribute('data-unacked'), { timeout: 20_000 }).toBe('1');
    for (const route of OFFICER_PAGES) {
      await p.goto(`${baseUrl}/#/${route}`);
      await p.locator(`main[data-page="${route}"]`).waitFor({ timeout: 10_000 });
      expect(await p.locator('main[data-page="no-access"]').count()).toBe(0);
    }
    await p.context().close();
  }, 60_000);
});
