/**
 * Browser test: the page on the Pi, operator view, served by a real vigia-edge process fed by
 * the plant simulator over MQTT, with the server process never started (the link is down).
 * Real Debian Chromium (playwright-core) at 360×740: values appear live, a local safety rule in
 * breach shows the alarm in words and icon, "Silenciar" silences the sound without clearing the
 * alarm, and the link panel says the server is unreachable with readings waiting. Also checks
 * the page's first-load budget (≤ 60 KB of gzipped JavaScript).
 * Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackRig, stackRig } from '../support/browser-rig.ts';
import { screenshot, screenshotDir } from '../support/chromium.ts';
import { buildPiPage } from '../support/dashboard-build.ts';
import { REPO } from '../support/process.ts';
import { startStack } from '../support/stack.ts';

const PAGE = join(REPO, 'edge', 'dist', 'page');
let rig: StackRig | undefined;

beforeAll(async () => {
  rig = await stackRig('pi-page', buildPiPage, (dir) =>
    startStack({
      dir,
      server: false,
      edgeConfig: {
        safety: {
          // Oxygen reads about 20.9 %vol: a limit of 1 is in breach from the first reading.
          rules: [{ id: 'o2-test', sensor: 'tunnel.o2', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' }],
        },
      },
    }),
  );
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('the page on the Pi (real agent, simulator, no server, Chromium)', () => {
  it('first load is at most 60 KB of gzipped JavaScript', () => {
    // What index.html loads (its module script and any modulepreload); the technician's view is a
    // chunk loaded only after login, so it is not part of the first load.
    const html = readFileSync(join(PAGE, 'index.html'), 'utf8');
    const js = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    const total = js.reduce((n, f) => n + gzipSync(readFileSync(join(PAGE, f))).length, 0);
    expect(js.length).toBeGreaterThan(0);
    expect(total, `${total} bytes gzipped`).toBeLessThanOrEqual(60 * 1024);
  });

  it('shows live values and the local alarm with the server down; Silenciar keeps the alarm', async () => {
    const s = rig!.stack;
    const context = await rig!.browser.newContext({ viewport: { width: 360, height: 740 }, offline: false });
    const page = await context.newPage();
    await page.goto(`${s.apiUrl}/`);
    const ch4 = page.locator('[data-sensor="tunnel.ch4"] .tile__value');
    await expect.poll(() => ch4.getAttribute('data-value'), { timeout: 20_000 }).toMatch(/^\d/);
    const first = await ch4.getAttribute('data-value');
    // Live: the simulator's methane value changes; the page follows without a reload.
    await expect.poll(() => ch4.getAttribute('data-value'), { timeout: 20_000 }).not.toBe(first);

    const o2 = page.locator('[data-sensor="tunnel.o2"]');
    await expect.poll(() => o2.getAttribute('data-look'), { timeout: 20_000 }).toBe('alarm');
    await expect.poll(() => o2.locator('[role="alert"]').textContent()).toContain('ALARMA');
    expect(await o2.locator('svg.state-icon--alarm').count()).toBe(1);
    expect(await page.locator('[data-alarm="on"]').textContent()).toContain('Oxígeno frente 1');

    const link = page.locator('[data-link]');
    expect(await link.getAttribute('data-link')).toBe('down');
    expect(await link.textContent()).toContain('Sin conexión con el servidor');
    await expect
      .poll(async () => Number(await link.locator('[data-waiting]').getAttribute('data-waiting')))
      .toBeGreaterThan(0);
    expect(await link.textContent()).toContain('Último envío correcto: nunca');

    await page.getByRole('button', { name: 'Activar sonido' }).click();
    await page.getByRole('button', { name: 'Silenciar' }).click();
    await expect.poll(() => page.locator('[data-silenced="on"]').textContent()).toContain('la alarma sigue activa');
    expect(await o2.getAttribute('data-look')).toBe('alarm'); // silenced, not cleared
    // Readable at 360 px: nothing wider than the screen.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await screenshot(page, screenshotDir(), 'pi-page-alarm-360.png');
    await context.close();
  }, 90_000);
});
