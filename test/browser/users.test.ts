/**
 * Browser test: users as an admin manages them. An operator has the live page open; the admin
 * disables that operator on the Users page ("Usuarios") and the operator's open live page stops
 * (its stream is closed by the server, the reconnect is refused, the login form comes back);
 * the operator is never offered the Users page and GET /api/v1/users answers it 403. Real
 * vigia-server process, real Debian Chromium (playwright-core). Fails (never skips) when
 * Chromium is missing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const ADMIN = { user: 'jefa', role: 'admin', password: 'admin-seguro-2026' };
const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';
let token = '';

async function page(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-CO' });
  return context.newPage();
}

beforeAll(async () => {
  rig = await browserRig('users');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(ADMIN);
  await rig.server.addUser(OPERATOR);
  await rig.server.start();
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [PH],
    readings: [{ sensor: PH.id, ts: Date.now() - 1000, value: 7.1 }],
  });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('users page', () => {
  it('an admin disables an operator whose open live page then stops; the operator never sees the page', async () => {
    const op = await page();
    await signInThroughForm(op, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
    expect(await op.locator('[data-route="users"]').count()).toBe(0);
    expect((await op.request.get(`${baseUrl}/api/v1/users`)).status()).toBe(403);
    const tile = op.locator(`[data-sensor="${PH.id}"]`);
    await tile.waitFor({ timeout: 10_000 });
    // The live page is live: a new reading shows up.
    await postIngest(baseUrl, token, {
      device: 'plant-01',
      readings: [{ sensor: PH.id, ts: Date.now(), value: 8.25 }],
    });
    await expect.poll(() => tile.textContent(), { timeout: 10_000 }).toMatch(/8[,.]25/);

    const admin = await page();
    await signInThroughForm(admin, `${baseUrl}/`, ADMIN.user, ADMIN.password);
    await admin.locator('[data-route="users"]').click();
    const form = admin.locator(`form[data-user="${OPERATOR.user}"]`);
    await form.waitFor({ timeout: 10_000 });
    await form.locator('button[data-action="disable"]').click();
    await admin.locator(`form[data-user="${OPERATOR.user}"] [data-disabled="true"]`).waitFor({ timeout: 10_000 });
    await screenshot(admin, shotDir, 'users-1280x800.png');

    // The operator's page is signed out at once (not at the 15 s heartbeat): the login form is back.
    const started = Date.now();
    await op.getByLabel('Usuario').waitFor({ timeout: 12_000 });
    expect(Date.now() - started).toBeLessThan(12_000);
    expect((await op.request.get(`${baseUrl}/api/v1/me`)).status()).toBe(401);
    // And it cannot sign in again while disabled.
    const again = await op.request.post(`${baseUrl}/api/v1/login`, {
      data: { user: OPERATOR.user, password: OPERATOR.password },
      headers: { origin: baseUrl },
    });
    expect(again.status()).toBe(403);
    await op.close();
    await admin.close();
  }, 90_000);
});
