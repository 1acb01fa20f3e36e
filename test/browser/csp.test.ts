/**
 * Browser test: the Content-Security-Policy the server sends (server/src/http/security-headers.ts)
 * blocks nothing the built dashboard or the compliance report needs, in real Debian Chromium.
 * Chromium reports every blocked script, style or connection as a console error naming the
 * Content Security Policy; none may appear, and the report's inline stylesheet (allowed by its
 * policy) must apply. Also: the pages cannot be framed.
 */
import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { ApiClient, postIngest } from '../support/client.ts';

const ADMIN = { user: 'jefa', role: 'admin', password: 'jefa-segura-2026' };

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  rig = await browserRig('csp');
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(ADMIN);
  await rig.server.start();
  baseUrl = rig.server.url;
  const now = Date.now();
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [{ id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' }],
    readings: [
      { sensor: 'plant.ph', ts: now - 60_000, value: 7.1 },
      { sensor: 'plant.ph', ts: now, value: 7.2 },
    ],
  });
  expect(res.status, res.text).toBe(200);
  const api = new ApiClient(baseUrl);
  await api.login(ADMIN.user, ADMIN.password);
  const rule = {
    id: 'ph',
    sensor: 'plant.ph',
    kind: 'range',
    min: 6,
    max: 9,
    averaging: 'instant',
    severity: 'breach',
  };
  await api.put('/api/v1/permits', {
    permits: [{ id: 'vertimiento', title: 'Permiso de vertimientos', site: 'mobile-plant', rules: [rule] }],
  });
  browser = await rig.launch();
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

const cspErrors = (messages: ConsoleMessage[]) =>
  messages.filter((m) => /Content Security Policy|Refused to/i.test(m.text())).map((m) => m.text());

describe('Content-Security-Policy in Chromium', () => {
  it('blocks nothing on the dashboard: sign-in, sensors, charts and the live stream work', async () => {
    const page = await browser!.newPage();
    const messages: ConsoleMessage[] = [];
    page.on('console', (m) => messages.push(m));
    const main = await page.goto(baseUrl);
    expect(main?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await signInThroughForm(page, baseUrl, ADMIN.user, ADMIN.password);
    await page.getByText('pH descarga').first().waitFor({ timeout: 15_000 });
    // The live stream opened (connect-src 'self').
    await page.locator('[data-connection="open"]').waitFor({ timeout: 15_000 });
    expect(cspErrors(messages)).toEqual([]);
    // A script injected as inline markup is refused (the policy is really in force).
    // (Strings, not functions: this file is type-checked without the DOM library.)
    await page.evaluate(
      "{ const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.append(s); }",
    );
    expect(await page.evaluate('window.__inlineRan')).toBeUndefined();
    await expect.poll(() => cspErrors(messages).length).toBeGreaterThan(0);
    await page.close();
  });

  it("applies the compliance report's own stylesheet (its own policy) and reports no violation", async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const messages: ConsoleMessage[] = [];
    page.on('console', (m) => messages.push(m));
    await signInThroughForm(page, baseUrl, ADMIN.user, ADMIN.password);
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await page.goto(`${baseUrl}/api/v1/reports/compliance?from=${day}&to=${tomorrow}&format=html`);
    expect(res?.status()).toBe(200);
    // h1 { color: #1f4e79 } comes from the inline <style>.
    expect(await page.evaluate("getComputedStyle(document.querySelector('h1')).color")).toBe('rgb(31, 78, 121)');
    expect(cspErrors(messages)).toEqual([]);
    await context.close();
  });

  it('cannot be framed by another page', async () => {
    const page = await browser!.newPage();
    const messages: ConsoleMessage[] = [];
    page.on('console', (m) => messages.push(m));
    await page.setContent(`<iframe id="f" src="${baseUrl}/"></iframe>`);
    await expect
      .poll(() => messages.some((m) => /frame-ancestors|refused to (display|frame)/i.test(m.text())))
      .toBe(true);
    await page.close();
  });
});
