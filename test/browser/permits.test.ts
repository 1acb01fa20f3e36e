/**
 * Browser test: an officer creates a permit from a template. The Res. 0631 gold-mining template
 * has no general pH number, so the form shows the rule with its cited source and an empty limit;
 * the officer picks the site's pH sensor (the only one in pH), enters the site's own range and
 * averaging, checks 30 days of simulated history (one excursion: one breach, nothing stored),
 * saves, and a new reading over the limit opens a breach. An operator is not offered the page
 * and gets 403 from the preview route. Real vigia-server process, real Debian Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const OFFICER = { user: 'maria', role: 'officer', password: 'oficial-seguro-2026' };
const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const TEMP = { id: 'plant.temp', name: 'Temperatura', quantity: 'temperature', unit: 'degC' };
const DAY = 86_400_000;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';
let token = '';
let spike = 0;

async function page(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
  return context.newPage();
}

beforeAll(async () => {
  rig = await browserRig('permits');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(OFFICER);
  await rig.server.addUser(OPERATOR);
  await rig.server.start();
  // 30 days of pH every 15 min at 7.2, one hour at 9.8 ten days ago.
  const now = Date.now();
  const start = now - 30 * DAY;
  spike = now - 10 * DAY;
  const readings: { sensor: string; ts: number; value: number }[] = [];
  for (let ts = start; ts < now - 60_000; ts += 15 * 60_000) {
    readings.push({ sensor: PH.id, ts, value: ts >= spike && ts < spike + 3_600_000 ? 9.8 : 7.2 });
  }
  readings.push({ sensor: TEMP.id, ts: now - 60_000, value: 25 });
  for (let i = 0; i < readings.length; i += 1000) {
    const res = await postIngest(baseUrl, token, {
      device: 'plant-01',
      sensors: [PH, TEMP],
      readings: readings.slice(i, i + 1000),
    });
    expect(res.status, res.text).toBe(200);
  }
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('permits page', () => {
  it('an officer creates a permit from a template with the site values, previews a month, saves; new data breaches it', async () => {
    const p = await page();
    await signInThroughForm(p, `${baseUrl}/`, OFFICER.user, OFFICER.password);
    await p.locator('[data-route="permits"]').click();
    await p.locator('#permit-template').waitFor({ timeout: 10_000 });
    await p.locator('#permit-template').selectOption('co-res0631-2015-gold-mining');
    const rule = p.locator('fieldset[data-rule="ph"]');
    // The rule cites its source, and no number the regulation did not give is filled in.
    expect(await rule.locator('.permit__source').textContent()).toMatch(/0631/);
    expect(await rule.locator('input[name="value-ph"]').inputValue()).toBe('');
    // Only the pH sensor is offered for a pH rule.
    const options = await rule.locator('select[name="sensor-ph"] option').allTextContents();
    expect(options.some((o) => o.includes(PH.id))).toBe(true);
    expect(options.some((o) => o.includes(TEMP.id))).toBe(false);
    await p.locator('#permit-id').fill('vertimiento-oro');
    await rule.locator('select[name="sensor-ph"]').selectOption(PH.id);
    await rule.locator('input[name="value-ph"]').fill('6-9');
    await rule.locator('input[name="averaging-ph"]').fill('instant');

    await p.locator('button[data-action="preview"]').click();
    const preview = p.locator('.permit-preview');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getAttribute('data-count')).toBe('1');
    // The would-be breach is drawn on the pH chart, hatched and named in the legend.
    const chart = preview.locator(`[data-preview-chart="${PH.id}"]`);
    await expect.poll(() => chart.locator('.chart').getAttribute('data-spans'), { timeout: 10_000 }).toBe('1');
    expect(await chart.locator('[data-legend="preview"]').count()).toBe(1);
    await screenshot(p, shotDir, 'permit-preview-1280x900.png');
    // Nothing stored by the preview.
    const before = await p.request.get(`${baseUrl}/api/v1/breaches?from=0&to=${Date.now() + DAY}`);
    expect(((await before.json()) as { breaches: unknown[] }).breaches).toEqual([]);

    await p.locator('button[data-action="save"]').click();
    await p.locator('.permit-new [role="status"]').waitFor({ timeout: 10_000 });
    await p.locator('section[data-permit="vertimiento-oro"]').waitFor({ timeout: 10_000 });

    // The simulator crosses the limit now: a breach opens.
    const res = await postIngest(baseUrl, token, {
      device: 'plant-01',
      readings: [
        { sensor: PH.id, ts: Date.now() - 2000, value: 9.9 },
        { sensor: PH.id, ts: Date.now() - 1000, value: 9.9 },
      ],
    });
    expect(res.status, res.text).toBe(200);
    await expect
      .poll(
        async () => {
          const r = await p.request.get(`${baseUrl}/api/v1/breaches?from=${Date.now() - DAY}&to=${Date.now() + DAY}`);
          return ((await r.json()) as { breaches: { permit: string; state: string }[] }).breaches;
        },
        { timeout: 20_000 },
      )
      .toContainEqual(expect.objectContaining({ permit: 'vertimiento-oro', state: 'open' }));
    await p.close();
  }, 120_000);

  it('is not offered to an operator, and the preview route answers it 403', async () => {
    const p = await page();
    await signInThroughForm(p, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
    expect(await p.locator('[data-route="permits"]').count()).toBe(0);
    const res = await p.request.post(`${baseUrl}/api/v1/permits/preview`, {
      data: { permit: { id: 'x', title: 'x', site: 'mobile-plant', rules: [] }, from: 0, to: 1 },
      headers: { origin: baseUrl },
    });
    expect(res.status()).toBe(403);
    expect((await p.request.get(`${baseUrl}/api/v1/templates`)).status()).toBe(403);
    await p.close();
  }, 60_000);
});
