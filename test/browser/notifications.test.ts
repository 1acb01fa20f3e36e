/**
 * Browser test: e-mail notifications as a user sets them up. An operator opens "Notificaciones"
 * from the header, is told in words that a bad address is not valid, then ticks breaches and
 * alarms, gives an address and saves; a breach opens on their site and the e-mail arrives at a
 * real SMTP server process (Python smtpd sink) in Spanish, with the link to the breach, which
 * opens the breaches page on that breach's card. Real
 * vigia-server process, real Debian Chromium (playwright-core). Fails (never skips) when
 * Chromium or python3 is missing.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../services/smtp-sink.ts';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { ApiClient, postIngest } from '../support/client.ts';

const ADMIN = { user: 'jefa', role: 'admin', password: 'admin-seguro-2026' };
const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026', site: 'mobile-plant' };
const PUBLIC_URL = 'https://vigia.example.org';

let rig: BrowserRig | undefined;
let sink: SmtpSink | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  sink = await startSmtpSink();
  rig = await browserRig('notifications', {
    VIGIA_SMTP_URL: sink.url,
    VIGIA_SMTP_FROM: 'Vigía <vigia@example.org>',
    VIGIA_PUBLIC_URL: PUBLIC_URL,
  });
  await rig.server.addUser(ADMIN);
  await rig.server.addUser(OPERATOR);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
  await sink?.close();
});

describe('notifications page', () => {
  it('an operator saves their settings on the page and the e-mail of a breach arrives at the SMTP server', async () => {
    const rigNow = rig!;
    const token = await rigNow.server.addDevice('plant-01', 'mobile-plant');
    await rigNow.server.start();
    const baseUrl = rigNow.server.url;
    const t0 = Date.now() - 5 * 60_000;
    const reading = (ts: number, value: number) => ({ sensor: 'plant.ph', ts, value });
    expect((await postIngest(baseUrl, token, { device: 'plant-01', readings: [reading(t0, 7)] })).status).toBe(200);

    const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-CO' });
    const page = await context.newPage();
    await signInThroughForm(page, `${baseUrl}/`, OPERATOR.user, OPERATOR.password);
    // Reached from the header, not from the tabs.
    expect(await page.locator('nav [data-route="notifications"]').count()).toBe(0);
    await page.locator('header [data-route="notifications"]').click();
    await page.getByRole('heading', { name: 'Notificaciones por correo' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('se abre un incumplimiento de un permiso').check();
    await page.getByLabel('Correo electrónico').fill('ana@');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.getByText('El correo no es válido (por ejemplo ana@example.org).').waitFor({ timeout: 5000 });
    await page.getByLabel('se abre una alarma de seguridad', { exact: false }).check();
    await page.getByLabel('Correo electrónico').fill('ana@example.org');
    expect(await page.getByLabel('Idioma de los correos').inputValue()).toBe('es');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.getByText('Preferencias guardadas.').waitFor({ timeout: 10_000 });
    await screenshot(page, rigNow.shotDir, 'notifications-390x844.png');
    // Saved on the server, as the page said.
    await page.reload();
    await page.locator('#notify-email').waitFor({ timeout: 10_000 });
    expect(await page.locator('#notify-email').inputValue()).toBe('ana@example.org');
    expect(await page.getByLabel('un equipo deja de enviar datos').isChecked()).toBe(false);

    const admin = new ApiClient(baseUrl);
    await admin.login(ADMIN.user, ADMIN.password);
    const rule = { id: 'ph-max', sensor: 'plant.ph', kind: 'max', max: 9, averaging: 'instant', severity: 'breach' };
    await admin.put('/api/v1/permits', {
      permits: [{ id: 'vertimiento', title: 'Vertimientos', site: 'mobile-plant', rules: [rule] }],
    });
    const opening = { device: 'plant-01', readings: [reading(t0 + 60_000, 9.7), reading(t0 + 61_000, 9.9)] };
    expect((await postIngest(baseUrl, token, opening)).status).toBe(200);
    const [mail] = await sink!.waitForMessages(1, 20_000);
    expect(mail).toMatchObject({
      rcpt_to: ['ana@example.org'],
      subject: '[Vigía] Incumplimiento abierto: ph-max · plant.ph · mobile-plant',
    });
    expect(mail!.text).toContain('Valor máximo: 9,9');
    const link = /Ver en Vigía: (\S+)/.exec(mail!.text)?.[1] ?? '';
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL.replaceAll('.', '\\.')}/#/breaches\\?breach=\\d+$`));
    // The link's page, opened on this server, is the breaches page.
    await page.goto(`${baseUrl}/${link.slice(PUBLIC_URL.length + 1)}`);
    await page.locator('[data-page="breaches"]').waitFor({ timeout: 10_000 });
    const id = /breach=(\d+)/.exec(link)![1];
    await page.locator(`[data-breach="${id}"][data-linked="true"]`).waitFor({ timeout: 15_000 });
    await screenshot(page, rigNow.shotDir, 'notifications-linked-breach-390x844.png');
    await context.close();
  }, 120_000);
});
