/**
 * Browser test: the built dashboard, served by the real vigia-server process, in real Debian
 * Chromium (playwright-core). An operator signs in through the form, sees a posted value in
 * Colombian number format, and sees the next value arrive over the live stream without a
 * reload. Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { existsSync } from 'node:fs';
import type { IngestBatchInput } from '@vigia/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';
import type { ServerProcess } from '../support/server.ts';

const PASSWORD = 'operador-seguro-2026';
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const WATER = { id: 'plant.water_in', name: 'Agua de entrada', quantity: 'volumetric_flow', unit: 'm3/h' };
/** Registered by its metadata, never sent a reading. */
const TURBIDITY = { id: 'plant.turbidity', name: 'Turbiedad descarga', quantity: 'turbidity', unit: 'NTU' };

let rig: BrowserRig | undefined;
let shotDir = '';
let baseUrl = '';
let token = '';
let server: ServerProcess | undefined;
let browser: Browser | undefined;
let page: Page;

async function ingest(batch: IngestBatchInput): Promise<void> {
  const res = await postIngest(baseUrl, token, batch);
  expect(res.status, res.text).toBe(200);
  expect(JSON.parse(res.text)).toEqual({ accepted: batch.readings.length });
}

beforeAll(async () => {
  rig = await browserRig('browser');
  ({ server, shotDir } = rig);
  baseUrl = server.url;
  token = await server.addDevice('plant-01', 'mobile-plant');
  expect(token.length).toBeGreaterThan(10);
  await server.addUser({ user: 'demo', role: 'operator', site: 'mobile-plant', password: PASSWORD });
  await server.start();

  // The last ten minutes of pH, one reading per 10 s, and a water flow that went silent.
  const now = Date.now();
  const history = Array.from({ length: 60 }, (_, i) => ({
    sensor: PH.id,
    ts: now - (60 - i) * 10_000,
    value: 7 + 0.3 * Math.sin(i / 6),
  }));
  await ingest({
    device: 'plant-01',
    sensors: [PH, WATER, TURBIDITY],
    readings: [
      ...history,
      { sensor: WATER.id, ts: now - 5 * 60_000, value: 12.5 },
      { sensor: PH.id, ts: now, value: 7.25 },
    ],
  });

  browser = await rig.launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'es-CO' });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('dashboard in Chromium against vigia-server', () => {
  it('shows the login form in Spanish and says in words when the password is wrong', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    await page.getByLabel('Usuario').fill('demo');
    await page.getByLabel('Contraseña').fill('no-es-la-clave');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('Usuario o contraseña incorrectos');
    expect(await page.locator('body[data-ready="1"]').count()).toBe(0);
  });

  it('signs in and shows the posted value with a comma decimal, and a silent sensor as silent', async () => {
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });

    const ph = page.locator(`[data-sensor="${PH.id}"]`);
    await expect.poll(() => ph.locator('[data-value]').textContent(), { timeout: 10_000 }).toBe('7,25');
    expect(await ph.getAttribute('data-state')).toBe('ok');
    expect(await ph.textContent()).toContain('pH descarga');

    const water = page.locator(`[data-sensor="${WATER.id}"]`);
    expect(await water.getAttribute('data-state')).toBe('stale');
    expect(await water.textContent()).toMatch(/Sin datos desde \d\d:\d\d/);
    expect(await water.locator('[data-value]').textContent()).toBe('12,50');
    expect(await water.textContent()).toContain('Caudal');

    const turbidity = page.locator(`[data-sensor="${TURBIDITY.id}"]`);
    expect(await turbidity.getAttribute('data-state')).toBe('never');
    expect(await turbidity.textContent()).toContain('Nunca se han recibido datos');
    expect(await turbidity.locator('[data-value]').textContent()).toBe('—');

    await expect.poll(() => page.locator('[data-connection]').textContent(), { timeout: 10_000 }).toContain('En vivo');
  });

  it('draws the chart of the selected sensor with the last hour from the server', async () => {
    const chart = page.locator('[data-chart-sensor="plant.ph"] .chart');
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 10_000 })
      .toBeGreaterThan(30);
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(600);

    // Tapping the other tile moves the chart to that sensor.
    await page.locator(`[data-sensor="${WATER.id}"]`).click();
    await page.locator(`[data-chart-sensor="${WATER.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`[data-sensor="${WATER.id}"]`).getAttribute('aria-pressed')).toBe('true');
    await page.locator(`[data-sensor="${PH.id}"]`).click();
    await page.locator(`[data-chart-sensor="${PH.id}"]`).waitFor({ timeout: 10_000 });
  });

  it('updates the tile from the live stream without a reload', async () => {
    await page.evaluate('window.__notReloaded = true');
    const pointsBefore = Number(
      await page.locator('[data-chart-sensor="plant.ph"] .chart').getAttribute('data-points'),
    );
    await ingest({ device: 'plant-01', readings: [{ sensor: PH.id, ts: Date.now(), value: 6.8 }] });
    const value = page.locator(`[data-sensor="${PH.id}"] [data-value]`);
    await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6,80');
    expect(await page.evaluate('window.__notReloaded')).toBe(true);
    // The live value is appended to the chart too.
    await expect
      .poll(async () => Number(await page.locator('[data-chart-sensor="plant.ph"] .chart').getAttribute('data-points')))
      .toBeGreaterThan(pointsBefore);
    const shot = await screenshot(page, shotDir, 'dashboard-1280x800.png');
    expect(existsSync(shot)).toBe(true);
  });

  it('switches to English with point decimals and keeps the choice after a reload', async () => {
    await page.getByRole('button', { name: 'Cambiar idioma a inglés' }).click();
    const value = page.locator(`[data-sensor="${PH.id}"] [data-value]`);
    await expect.poll(() => value.textContent()).toBe('6.80');
    expect(await page.locator('[data-connection]').textContent()).toContain('Live');
    await page.reload();
    await page.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6.80');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('[data-connection]').textContent(), { timeout: 10_000 }).toContain('Live');
  });

  it('fits a 360 px phone: two columns of compact tiles, values still large, no sideways scrolling', async () => {
    const phone = await browser!.newPage({ viewport: { width: 360, height: 740 }, locale: 'es-CO' });
    try {
      await signInThroughForm(phone, baseUrl, 'demo', PASSWORD);
      const value = phone.locator(`[data-sensor="${PH.id}"] [data-value]`);
      await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6,80');
      const fontPx = Number.parseFloat(
        await phone.evaluate(
          `getComputedStyle(document.querySelector('[data-sensor="${PH.id}"] [data-value]')).fontSize`,
        ),
      );
      // Compact tiles keep the value at least 36 px (docs/decisions/2026-12-04-compact-tiles.md).
      expect(fontPx).toBeGreaterThanOrEqual(36);
      const [a, b] = (await phone.evaluate(
        "[...document.querySelectorAll('[data-sensor]')].slice(0, 2).map((t) => { const r = t.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width }; })",
      )) as { x: number; y: number; width: number }[];
      // Side by side: same row, the second to the right of the first.
      expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
      expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.width);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(phone, shotDir, 'dashboard-360x740.png');
    } finally {
      await phone.close();
    }
  });

  it('says "Sin conexión — reintentando" while the server is down, and goes live again when it is back', async () => {
    // Back to Spanish (the previous test left English on).
    await page.getByRole('button', { name: 'Switch language to Spanish' }).click();
    const connection = page.locator('[data-connection]');
    await expect.poll(() => connection.textContent(), { timeout: 10_000 }).toContain('En vivo');
    await server!.stop();
    await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toContain('Sin conexión — reintentando');
    expect(await connection.getAttribute('data-connection')).toBe('retrying');
    await screenshot(page, shotDir, 'dashboard-offline-1280x800.png');

    await server!.start();
    // The session survives the restart (it is stored in the data dir); no login needed.
    await expect.poll(() => connection.textContent(), { timeout: 30_000 }).toContain('En vivo');
    await ingest({ device: 'plant-01', readings: [{ sensor: PH.id, ts: Date.now(), value: 7.05 }] });
    await expect
      .poll(() => page.locator(`[data-sensor="${PH.id}"] [data-value]`).textContent(), { timeout: 10_000 })
      .toBe('7,05');
  });
});
