/**
 * Browser test: the technician view of the page on the Pi, against a real vigia-edge process
 * reading the plant simulator's Modbus RTU slave over a socat pty (no server process). The
 * technician logs in, adds a Modbus sensor on the simulator's slave from the form, probes it
 * through the running agent, saves, and sees its value; a bad config (a unit that does not
 * belong to the quantity) is refused naming the field, and the running config is unchanged.
 * Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePasswordFile } from '../../edge/src/local-api/password-file.ts';
import { freePort } from '../services/util.ts';
import { launchChromium, requireChromium, screenshot, screenshotDir } from '../support/chromium.ts';
import { buildPiPage } from '../support/dashboard-build.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PASS = 'tecnico-seguro-2026';
let dir = '';
let stack: Stack | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  requireChromium();
  await buildPiPage();
  dir = mkdtempSync(join(tmpdir(), 'vigia-pi-tech-'));
  writePasswordFile(join(dir, 'tech.pass'), PASS);
  const apiPort = await freePort();
  stack = await startStack({
    dir,
    server: false,
    serial: true,
    apiPort,
    edgeConfig: { api: { port: apiPort, host: '127.0.0.1', password_file: './tech.pass' } },
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the page on the Pi, technician view (real agent, simulator Modbus slave on a pty, Chromium)', () => {
  it('logs in, adds a Modbus sensor from the form, probes it, saves, sees its value; a bad config is refused', async () => {
    const s = stack as Stack;
    const context = await browser!.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${s.apiUrl}/#tecnico`);
    await page.getByLabel('Contraseña de técnico').fill('wrong password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.locator('.pi-tech-login [role="alert"]').textContent()).toContain('contraseña');
    await page.getByLabel('Contraseña de técnico').fill(PASS);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-tech="ready"]').waitFor({ timeout: 15_000 });

    const form = page.locator('.pi-tech-add');
    await form.locator('input[name="id"]').fill('plant.water_in_b');
    await form.locator('input[name="name"]').fill('Agua de entrada (2)');
    await form.locator('input[name="register"]').fill('2'); // the simulator's water_in float32
    await form.getByRole('button', { name: 'Probar' }).click();
    const message = page.locator('[data-tech-message]');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toMatch(/Valor leído: \d/);

    // A bad one first: a unit that does not belong to the quantity. Refused, field named, nothing changes.
    const before = readFileSync(s.edgeConfigFile, 'utf8');
    await form.locator('input[name="unit"]').fill('ppm');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => message.textContent(), { timeout: 15_000 }).toContain('No se guardó');
    expect(await message.textContent()).toMatch(/sensors\[\d+\]\.unit/);
    expect(readFileSync(s.edgeConfigFile, 'utf8')).toBe(before);
    const running = (await (await fetch(`${s.apiUrl}/sensors`)).json()) as { sensors: { id: string }[] };
    expect(running.sensors.map((x) => x.id)).not.toContain('plant.water_in_b');

    await form.locator('input[name="unit"]').fill('m3/h');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => message.textContent(), { timeout: 20_000 }).toContain('Guardado: plant.water_in_b');
    const row = page.locator('[data-tech-sensor="plant.water_in_b"] [data-value]');
    await expect.poll(() => row.getAttribute('data-value'), { timeout: 20_000 }).toMatch(/^\d/);
    expect(readFileSync(s.edgeConfigFile, 'utf8')).toContain('plant.water_in_b');
    await screenshot(page, screenshotDir(), 'pi-technician-360.png');
    await context.close();
  }, 120_000);
});
