/**
 * Browser test: an answer that does not fit its wire schema is said in words, never a crash.
 * The built dashboard, served by the real vigia-server process, in real Debian Chromium
 * (playwright-core). A real server cannot send a drifted answer, so this one test rewrites the
 * real `GET /api/v1/devices` answer on its way to the page (a Playwright route: the only
 * stand-in here, named in the test): a field gone, as a server of another version would send.
 * The Devices page then says, in Spanish, that the answer has a shape it does not expect and
 * which field, and offers to retry; the rest of the app keeps working.
 * Never installs browsers; fails (never skips) when Chromium is missing.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const PASSWORD = 'tecnico-seguro-2026';
let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  rig = await browserRig('wire-drift');
  const { server } = rig;
  baseUrl = server.url;
  const token = await server.addDevice('plant-01', 'mobile-plant');
  await server.addUser({ user: 'tecnico', role: 'technician', password: PASSWORD });
  await server.start();
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [{ id: 'plant.ph', quantity: 'ph', unit: 'pH' }],
    readings: [{ sensor: 'plant.ph', ts: Date.now(), value: 7.1 }],
  });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('an answer of the wrong shape (real server, answer rewritten in the browser)', () => {
  it('the Devices page says in words which field does not fit, and the live page still works', async () => {
    const page = await browser!.newPage({ viewport: { width: 360, height: 740 } });
    await page.route('**/api/v1/devices', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { devices: Record<string, unknown>[] };
      expect(body.devices[0]).toHaveProperty('eta_s');
      delete body.devices[0]!.eta_s;
      await route.fulfill({ response: real, json: body });
    });
    await signInThroughForm(page, `${baseUrl}/#/devices`, 'tecnico', PASSWORD, '[data-page="devices"] [role="alert"]');
    const alert = (await page.locator('[data-page="devices"] [role="alert"]').textContent()) ?? '';
    expect(alert).toContain('No se pudieron cargar los equipos.');
    expect(alert).toContain('La respuesta del servidor no tiene la forma que esta página espera');
    expect(alert).toContain('devices[0].eta_s');
    await screenshot(page, rig!.shotDir, 'wire-drift-devices-360x740.png');
    // The other answers still fit: the live page shows the sensor.
    await page.goto(`${baseUrl}/#/live`);
    await page.locator('[data-sensor="plant.ph"]').waitFor({ timeout: 15_000 });
    await page.close();
  });
});
