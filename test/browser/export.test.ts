/**
 * Browser test: export a day, and staleness per sensor. An operator on a phone (360 px) and on a desktop (1280 px) picks
 * the chart's "24 h" period and downloads its CSV; its rows equal the readings the API
 * answers in JSON for the same range (read from the download's URL). A sensor read every 60 s
 * whose last reading is 45 s old stays live, while a 1 Hz one as quiet turns grey. Real vigia-server process,
 * real Debian Chromium (playwright-core). Fails (never skips) when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { postIngest } from '../support/client.ts';

const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
/** One reading a minute for 30 h: the last 24 h hold about 1440 of them. */
const COUNT = 30 * 60;
const SLOW = { id: 'plant.flow', name: 'Caudal', quantity: 'volumetric_flow', unit: 'm3/h' };
const FAST = { id: 'plant.turbidity', name: 'Turbiedad', quantity: 'turbidity', unit: 'NTU' };

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  rig = await browserRig('export');
  baseUrl = rig.server.url;
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(OPERATOR);
  await rig.server.start();
  const now = Date.now();
  const readings = Array.from({ length: COUNT }, (_, i) => ({
    sensor: PH.id,
    ts: now - (COUNT - i) * 60_000,
    value: 7 + (i % 10) / 10,
  }));
  const res = await postIngest(baseUrl, token, { device: 'plant-01', sensors: [PH], readings });
  expect(res.status, res.text).toBe(200);
  // Both fall quiet 45 s ago: the 60 s one is between two readings, the 1 Hz one is silent.
  const quiet = now - 45_000;
  const paced = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [SLOW, FAST],
    readings: [
      ...Array.from({ length: 10 }, (_, i) => ({ sensor: SLOW.id, ts: quiet - (9 - i) * 60_000, value: 12 + i })),
      ...Array.from({ length: 60 }, (_, i) => ({ sensor: FAST.id, ts: quiet - (59 - i) * 1000, value: 40 })),
    ],
  });
  expect(paced.status, paced.text).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('staleness per sensor', () => {
  it('keeps a 60 s sensor live 45 s after its last reading, and greys a 1 Hz one as quiet', async () => {
    const p = await browser!.newPage({
      viewport: { width: 360, height: 800 },
      locale: 'es-CO',
      timezoneId: 'America/Bogota',
    });
    await signInThroughForm(p, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
    const slow = p.locator(`[data-sensor="${SLOW.id}"]`);
    const fast = p.locator(`[data-sensor="${FAST.id}"]`);
    await expect.poll(() => fast.getAttribute('class'), { timeout: 10_000 }).toContain('tile--stale');
    expect(await slow.getAttribute('class')).toContain('tile--ok');
    expect(await slow.textContent()).not.toContain('Sin datos desde');
    await p.close();
  }, 60_000);
});

describe('export a day', () => {
  for (const width of [360, 1280]) {
    it(`at ${width} px the CSV of the last 24 h holds as many rows as the API answers`, async () => {
      const context = await browser!.newContext({
        viewport: { width, height: 800 },
        locale: 'es-CO',
        timezoneId: 'America/Bogota',
        acceptDownloads: true,
      });
      const p = await context.newPage();
      await signInThroughForm(p, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
      await p.locator(`[data-sensor="${PH.id}"]`).click();
      const panel = p.locator(`[data-chart-sensor="${PH.id}"]`);
      // The chart's own range is what its download button takes.
      await panel.locator('[data-preset="24h"]').click();
      await expect.poll(() => panel.locator('.chart').getAttribute('data-points'), { timeout: 10_000 }).not.toBe('0');
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        panel.getByRole('link', { name: 'Descargar CSV de pH descarga' }).click(),
      ]);
      const url = new URL(download.url());
      expect(url.pathname).toBe('/api/v1/readings');
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      expect(to - from).toBe(86_400_000);
      const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe('sensor;name;ts_ms;time;value;q;corrected');
      // Spanish spreadsheets: decimal comma, times with the site's offset.
      expect(lines[1]).toMatch(/^"plant\.ph";"pH descarga";\d+;\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00;7(,\d)?;good;0$/);
      const api = await context.request.get(
        `${baseUrl}/api/v1/readings?sensor=${PH.id}&from=${from}&to=${to}&format=json`,
      );
      expect(api.status()).toBe(200);
      const body = (await api.json()) as { readings: unknown[] };
      expect(body.readings.length).toBeGreaterThanOrEqual(1438);
      expect(lines.length - 1).toBe(body.readings.length);
      await context.close();
    }, 60_000);
  }
});
