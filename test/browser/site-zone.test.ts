/**
 * Browser test: times in the site's zone. The browser runs on Bogotá time; an admin opens the
 * Sites page ("Sitios"), puts the site in Asia/Tokyo, and from then on the live tile's "Sin
 * datos desde …" and the breaches page say Tokyo time and name it. An operator is not offered
 * the Sites page. Real vigia-server process, real Debian Chromium (playwright-core).
 * Never installs browsers; fails (never skips) when Chromium is missing.
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
/** The pH reading's time: 10 minutes before the test, so its tile is stale. */
let lastTs = 0;

/** "HH:MM" of `ts` in `timeZone`, as the dashboard writes it in Spanish. */
const clockIn = (ts: number, timeZone: string) =>
  new Intl.DateTimeFormat('es-CO', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(ts);

async function page(): Promise<Page> {
  return browser!.newPage({ viewport: { width: 1280, height: 800 }, locale: 'es-CO', timezoneId: 'America/Bogota' });
}

beforeAll(async () => {
  rig = await browserRig('site-zone');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(ADMIN);
  await rig.server.addUser(OPERATOR);
  await rig.server.start();
  lastTs = Date.now() - 10 * 60_000;
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [PH],
    readings: [{ sensor: PH.id, ts: lastTs, value: 7.1 }],
  });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('times in the site zone', () => {
  it('an admin sets the zone on the Sites page and every time follows it, naming it', async () => {
    const p = await page();
    await signInThroughForm(p, `${baseUrl}/`, ADMIN.user, ADMIN.password);
    const tile = p.locator(`[data-sensor="${PH.id}"]`);
    // Before: the default zone, Bogotá, named.
    await expect
      .poll(() => tile.textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(`Sin datos desde (\\d\\d/\\d\\d )?${clockIn(lastTs, 'America/Bogota')} \\(hora de Bogotá\\)`),
      );

    await p.locator('[data-route="sites"]').click();
    const form = p.locator('form[data-site="mobile-plant"]');
    await form.waitFor({ timeout: 10_000 });
    await form.getByLabel('Nombre').fill('Planta móvil');
    // A zone the server does not know is refused in words, and nothing changes.
    await form.getByLabel(/Zona horaria/).fill('Marte/Olimpo');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => form.locator('[role="alert"]').textContent()).toContain('time_zone');
    expect(await p.locator('.page').getAttribute('data-zone')).toBe('America/Bogota');

    await form.getByLabel(/Zona horaria/).fill('Asia/Tokyo');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => form.locator('[role="status"]').textContent()).toBe('Guardado.');
    expect(await p.locator('.page').getAttribute('data-zone')).toBe('Asia/Tokyo');
    await screenshot(p, shotDir, 'sites-1280x800.png');

    // After: the tile writes the reading's time in Tokyo and says so.
    await p.locator('[data-route="live"]').click();
    await expect
      .poll(() => tile.textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`Sin datos desde (\\d\\d/\\d\\d )?${clockIn(lastTs, 'Asia/Tokyo')} \\(hora de Tokyo\\)`));
    await p.locator('[data-route="breaches"]').click();
    await expect
      .poll(() => p.locator('[data-page="breaches"] .page-head__note').textContent())
      .toBe('Horas en hora de Tokyo.');
    await p.close();
  }, 60_000);

  it('keeps the zone after a reload, and does not offer an operator the Sites page', async () => {
    const p = await page();
    await signInThroughForm(p, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
    await expect.poll(() => p.locator('.page').getAttribute('data-zone')).toBe('Asia/Tokyo');
    expect(await p.locator('[data-route="sites"]').count()).toBe(0);
    expect(await p.locator('[data-route="live"]').count()).toBe(1);
    await p.close();
  }, 60_000);
});
