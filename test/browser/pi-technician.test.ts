/**
 * Browser test: the technician view of the page on the Pi, against a real vigia-edge process
 * reading the plant simulator's Modbus RTU slave over a socat pty (no server process). The
 * technician logs in, sees the form generated for every driver, adds a Modbus sensor on the
 * simulator's slave, probes it through the running agent, saves, and sees its value; a bad
 * sensor (a unit that does not belong to the quantity) is refused at its field before it is sent,
 * one the agent refuses (another baud on a shared port) shows the agent's words, and the running
 * config is unchanged; the sensor is edited in place; the table scrolls inside its box at 360 px;
 * "test the server connection" says in words that no server answers.
 * Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePasswordFile } from '../../edge/src/local-api/password-file.ts';
import { freePort } from '../services/util.ts';
import { type StackRig, stackRig } from '../support/browser-rig.ts';
import { screenshot, screenshotDir } from '../support/chromium.ts';
import { buildPiPage } from '../support/dashboard-build.ts';
import { startStack } from '../support/stack.ts';

const PASS = 'tecnico-seguro-2026';
let rig: StackRig | undefined;

beforeAll(async () => {
  rig = await stackRig('pi-tech', buildPiPage, async (dir) => {
    writePasswordFile(join(dir, 'tech.pass'), PASS);
    const apiPort = await freePort();
    return startStack({
      dir,
      server: false,
      serial: true,
      apiPort,
      edgeConfig: { api: { port: apiPort, host: '127.0.0.1', password_file: './tech.pass' } },
    });
  });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('the page on the Pi, technician view (real agent, simulator Modbus slave on a pty, Chromium)', () => {
  it('logs in, adds a Modbus sensor from the generated form, probes, saves, edits it in place; bad configs refused; 360 px; server check', async () => {
    const s = rig!.stack;
    const context = await rig!.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${s.apiUrl}/#tecnico`);
    await page.getByLabel('Contraseña de técnico').fill('wrong password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.locator('.pi-tech-login [role="alert"]').textContent()).toContain('contraseña');
    await page.getByLabel('Contraseña de técnico').fill(PASS);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-tech="ready"]').waitFor({ timeout: 15_000 });

    const form = page.locator('.pi-tech-add');
    const formMessage = form.locator('[data-form-message]');
    const message = page.locator('[data-tech-message]');
    // The form is generated from the shared schemas, for every driver, with the file's limits.
    for (const [driver, key] of [
      ['modbus-tcp', 'host'],
      ['serial-line', 'pattern'],
      ['mqtt', 'topic'],
      ['modbus-rtu', 'unit_id'],
    ]) {
      await form.locator('select[name="driver"]').selectOption(driver);
      await form.locator(`[name="${key}"]`).waitFor();
    }
    expect(await form.locator('input[name="register"]').getAttribute('max')).toBe('65535');
    expect(await form.locator('select[name="type"] option').allTextContents()).toContain('float32');

    await form.locator('input[name="id"]').fill('plant.water_in_b');
    await form.locator('input[name="name"]').fill('Agua de entrada (2)');
    await form.locator('input[name="register"]').fill('2'); // the simulator's water_in float32
    await form.getByRole('button', { name: 'Probar' }).click();
    await expect.poll(() => formMessage.textContent(), { timeout: 10_000 }).toMatch(/Valor leído: \d/);

    // A bad one first: a unit that does not belong to the quantity. Refused with the file's path and
    // message (es/en) at the field, before anything is sent; nothing changes.
    const before = readFileSync(s.edgeConfigFile, 'utf8');
    await form.locator('input[name="unit"]').fill('ppm');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => formMessage.textContent(), { timeout: 15_000 }).toContain('No se guardó');
    expect(await formMessage.textContent()).toMatch(
      /sensors\[\d+\]\.unit: .* \/ this unit does not belong to the quantity/,
    );
    expect(await form.locator('[data-issue$=".unit"]').count()).toBe(1);
    // One the form accepts but the agent refuses (another baud on a port its sensors share): the
    // agent's 422 is shown, naming the field; the running config is unchanged.
    await form.locator('input[name="unit"]').fill('m3/h');
    await form.locator('input[name="baud"]').fill('19200');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => formMessage.textContent(), { timeout: 15_000 }).toMatch(/not saved — .*baud/);
    expect(readFileSync(s.edgeConfigFile, 'utf8')).toBe(before);
    const running = (await (await fetch(`${s.apiUrl}/sensors`)).json()) as { sensors: { id: string }[] };
    expect(running.sensors.map((x) => x.id)).not.toContain('plant.water_in_b');

    await form.locator('input[name="baud"]').fill('');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => message.textContent(), { timeout: 20_000 }).toContain('Guardado: plant.water_in_b');
    const row = page.locator('[data-tech-sensor="plant.water_in_b"] [data-value]');
    await expect.poll(() => row.getAttribute('data-value'), { timeout: 20_000 }).toMatch(/^\d/);
    expect(readFileSync(s.edgeConfigFile, 'utf8')).toContain('plant.water_in_b');
    const count = running.sensors.length + 1;

    // Edit in place: the form opens with the sensor's values; the sensor changes where it is.
    await page.locator('[data-tech-sensor="plant.water_in_b"]').getByRole('button', { name: 'Editar' }).click();
    const editing = page.locator('.pi-tech-add[data-editing="plant.water_in_b"]');
    expect(await editing.locator('input[name="register"]').inputValue()).toBe('2');
    await editing.locator('input[name="name"]').fill('Agua de entrada B');
    // The two-point helper reads the raw value through the agent, shows the line, and puts it in.
    await editing.getByRole('button', { name: 'Leer crudo 1' }).click();
    const raw1 = editing.locator('input[name="cal-r1"]');
    await expect.poll(() => raw1.inputValue(), { timeout: 10_000 }).toMatch(/^-?\d/);
    await editing.locator('input[name="cal-v1"]').fill('0');
    await editing.locator('input[name="cal-r2"]').fill(String(Number(await raw1.inputValue()) + 10));
    await editing.locator('input[name="cal-v2"]').fill('100');
    expect(await editing.locator('[data-calibration]').textContent()).toMatch(
      /calibrate: \{ scale: 10, offset: -?[\d.]+ \}/,
    );
    await editing.getByRole('button', { name: 'Usar en este sensor' }).click();
    expect(await editing.locator('[data-form-calibrate]').textContent()).toContain('"scale":10');
    await editing.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => message.textContent(), { timeout: 20_000 }).toContain('Guardado: plant.water_in_b');
    const file = readFileSync(s.edgeConfigFile, 'utf8');
    expect(file).toContain('Agua de entrada B');
    expect(file).not.toContain('Agua de entrada (2)');
    expect(file).toMatch(/calibrate:\s*\n?\s*scale: 10/);
    const after = (await (await fetch(`${s.apiUrl}/sensors`)).json()) as { sensors: { id: string }[] };
    expect(after.sensors.length).toBe(count);
    expect(await page.locator('.pi-tech-add').getAttribute('data-editing')).toBe(''); // back to adding

    // A unit that does not answer: its driver's problem in words, and since when.
    await form.locator('input[name="id"]').fill('plant.dead_unit');
    await form.locator('input[name="unit_id"]').fill('7');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => message.textContent(), { timeout: 20_000 }).toContain('Guardado: plant.dead_unit');
    const problem = page.locator('[data-tech-sensor="plant.dead_unit"] .pi-tech-problem');
    await expect.poll(() => problem.textContent(), { timeout: 20_000 }).toMatch(/la unidad 7 no responde.*\(desde \d/);

    // At 360 px the sensor table scrolls sideways inside its own box; the page never does.
    const box = page.locator('[data-tech-scroll]');
    const widths = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(widths.scroll).toBeGreaterThan(widths.client);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    await box.evaluate((el) => {
      el.scrollLeft = 10_000;
    });
    expect(Number(await box.evaluate((el) => el.scrollLeft))).toBeGreaterThan(0);
    expect(Number(await page.evaluate('window.scrollX'))).toBe(0);

    // "Probar la conexión al servidor": no server runs here; it says so in words.
    await page.getByRole('button', { name: 'Probar la conexión al servidor' }).click();
    const check = page.locator('[data-server-check="false"]');
    await check.waitFor({ timeout: 15_000 });
    expect(await check.locator('[data-check="reachable"]').textContent()).toBe('no');
    expect(await check.locator('[data-problem]').first().textContent()).toMatch(/servidor|conexión|responde/);
    await screenshot(page, screenshotDir(), 'pi-technician-360.png');
    await context.close();
  }, 120_000);
});
