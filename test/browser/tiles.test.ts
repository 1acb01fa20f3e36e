/**
 * Browser test of the live page's tiles: at 1280 px grouped by area (by quantity until the site
 * says otherwise), each with a sparkline of its last hour; an admin names the areas and moves a
 * sensor into a new one, saved for the site, and an operator then sees that order; at 360 px
 * two columns of compact tiles, headings hidden. Real vigia-server process, real Debian Chromium
 * (playwright-core); fails (never skips) when Chromium is missing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const ADMIN = { user: 'jefa', role: 'admin', password: 'admin-seguro-2026' };
const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026', site: 'mobile-plant' };
const SENSORS = [
  { id: 'plant.ph', name: 'pH planta', quantity: 'ph', unit: 'pH' },
  { id: 'plant.out_ph', name: 'pH vertimiento', quantity: 'ph', unit: 'pH' },
  { id: 'tunnel.co', name: 'CO túnel', quantity: 'carbon_monoxide', unit: 'ppm' },
  { id: 'plant.temp', name: 'Temperatura', quantity: 'temperature', unit: 'degC' },
];

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';

beforeAll(async () => {
  rig = await browserRig('tiles');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(ADMIN);
  await rig.server.addUser(OPERATOR);
  await rig.server.start();
  const now = Date.now();
  // The last hour, one reading a minute for each sensor.
  const readings = SENSORS.flatMap((s, k) =>
    Array.from({ length: 60 }, (_, i) => ({
      sensor: s.id,
      ts: now - (60 - i) * 60_000,
      value: 5 + k + Math.sin(i / 6),
    })),
  );
  const res = await postIngest(baseUrl, token, { device: 'plant-01', sensors: SENSORS, readings });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

async function open(width: number, who: { user: string; password: string }): Promise<Page> {
  const p = await browser!.newPage({ viewport: { width, height: 900 }, locale: 'es-CO', timezoneId: 'America/Bogota' });
  await signInThroughForm(p, `${baseUrl}/`, who.user, who.password);
  return p;
}

/** Each visible area heading with the sensors under it, in page order. */
async function areas(p: Page): Promise<[string, string[]][]> {
  return (await p.evaluate(
    "[...document.querySelectorAll('.area')].map((a) => [a.querySelector('.area__title').textContent, [...a.querySelectorAll('[data-sensor]')].map((t) => t.dataset.sensor)])",
  )) as [string, string[]][];
}

describe('tiles', () => {
  it('at 1280 px groups tiles by area, each with a sparkline of its last hour', async () => {
    const p = await open(1280, OPERATOR);
    await expect
      .poll(() => areas(p), { timeout: 10_000 })
      .toEqual([
        ['Agua', ['plant.out_ph', 'plant.ph']],
        ['Aire del túnel', ['tunnel.co']],
        ['Otros', ['plant.temp']],
      ]);
    const spark = p.locator('[data-sensor="plant.ph"] .tile__spark');
    await expect
      .poll(async () => Number(await spark.getAttribute('data-spark')), { timeout: 10_000 })
      .toBeGreaterThan(50);
    // An hour of one reading a minute: one unbroken line.
    expect(await spark.getAttribute('data-spark-segments')).toBe('1');
    expect(await p.locator('[data-arrange-open]').count()).toBe(0);
    await p.close();
  }, 60_000);

  it('an admin names the areas and moves a sensor into a new one; an operator then sees that order', async () => {
    const p = await open(1280, ADMIN);
    await p.locator('[data-arrange-open="mobile-plant"]').click();
    const arrange = p.locator('[data-arrange="mobile-plant"]');
    await arrange.waitFor({ timeout: 10_000 });
    await arrange.locator('[data-arrange-area="0"] .arrange__name').fill('Agua de planta');
    await arrange.locator('[data-add-area]').click();
    await arrange.locator('[data-arrange-area="3"] .arrange__name').fill('Vertimiento');
    await arrange.getByLabel('Área de pH vertimiento').selectOption({ label: 'Vertimiento' });
    // Vertimiento up to second place, under the plant's water.
    await arrange.getByLabel('Subir área Vertimiento').click();
    await arrange.getByLabel('Subir área Vertimiento').click();
    await arrange.locator('[data-save-arrange]').click();
    await expect.poll(() => arrange.locator('[role="status"]').textContent()).toBe('Orden guardado.');
    const expected: [string, string[]][] = [
      ['Agua de planta', ['plant.ph']],
      ['Vertimiento', ['plant.out_ph']],
      ['Aire del túnel', ['tunnel.co']],
      ['Otros', ['plant.temp']],
    ];
    await expect.poll(() => areas(p)).toEqual(expected);
    await screenshot(p, shotDir, 'tiles-arranged-1280.png');
    await p.close();

    const operator = await open(1280, OPERATOR);
    await expect.poll(() => areas(operator), { timeout: 10_000 }).toEqual(expected);
    await operator.close();
  }, 60_000);

  it('at 360 px shows two columns of compact tiles in the same order, headings hidden', async () => {
    const p = await open(360, OPERATOR);
    await p.locator('[data-sensor="plant.temp"]').waitFor({ timeout: 10_000 });
    const boxes = (await p.evaluate(
      "[...document.querySelectorAll('[data-sensor]')].map((t) => { const r = t.getBoundingClientRect(); return { id: t.dataset.sensor, x: Math.round(r.x), y: Math.round(r.y) }; })",
    )) as { id: string; x: number; y: number }[];
    expect(boxes.map((b) => b.id)).toEqual(['plant.ph', 'plant.out_ph', 'tunnel.co', 'plant.temp']);
    // Two a row: left, right, left, right.
    expect(boxes[0]!.y).toBe(boxes[1]!.y);
    expect(boxes[2]!.y).toBe(boxes[3]!.y);
    expect(boxes[1]!.x).toBeGreaterThan(boxes[0]!.x);
    expect(boxes[2]!.y).toBeGreaterThan(boxes[0]!.y);
    expect(await p.locator('.area__title').first().isVisible()).toBe(false);
    const fontPx = Number.parseFloat(
      (await p.evaluate(
        'getComputedStyle(document.querySelector(\'[data-sensor="plant.ph"] [data-value]\')).fontSize',
      )) as string,
    );
    expect(fontPx).toBeGreaterThanOrEqual(36);
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(p, shotDir, 'tiles-360.png');
    await p.close();
  }, 60_000);
});
