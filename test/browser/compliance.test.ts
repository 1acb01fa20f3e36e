/**
 * Browser test of the compliance screens: the built dashboard served by a real vigia-server
 * process, in real Debian Chromium (playwright-core). An officer's permit puts limits on the
 * tiles; readings out of range turn the pH tile red with words (and a safety rule's tile into
 * "ALARMA"); the breach is listed on the Breaches page, acknowledged with a note, and an
 * operator sees the acknowledgement but no button. Never installs browsers; fails (never
 * skips) when Chromium is missing. Screenshots go to a temp folder, printed in the log.
 */
import { readFileSync } from 'node:fs';
import type { IngestBatchInput } from '@vigia/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';
import type { ServerProcess } from '../support/server.ts';

const OFFICER = { user: 'oficial', password: 'oficial-seguro-2026' };
const OPERATOR = { user: 'operador', password: 'operador-seguro-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const CO = { id: 'tunnel.co', name: 'CO túnel 1', quantity: 'carbon_monoxide', unit: 'ppm' };
const TURBIDITY = { id: 'plant.turbidity', name: 'Turbiedad descarga', quantity: 'turbidity', unit: 'NTU' };
const SOURCE = 'Resolución 0631 de 2015, art. 5';
const PERMIT = {
  id: 'vertimiento-2026',
  title: 'Permiso de vertimientos',
  site: 'mobile-plant',
  rules: [
    {
      id: 'ph',
      sensor: PH.id,
      kind: 'range',
      min: 6,
      max: 9,
      averaging: 'instant',
      pending: '0s',
      clear: '1m',
      severity: 'breach',
      source: SOURCE,
    },
    {
      id: 'turbiedad',
      sensor: TURBIDITY.id,
      kind: 'max',
      max: 100,
      averaging: 'instant',
      pending: '5m',
      clear: '1m',
      severity: 'breach',
      source: 'Resolución 0631 de 2015, art. 9',
    },
  ],
};
const SAFETY = {
  id: 'atmosfera-subterranea',
  title: 'Atmósfera subterránea',
  site: 'mobile-plant',
  rules: [
    {
      id: 'co',
      sensor: CO.id,
      kind: 'max',
      max: 25,
      averaging: 'instant',
      pending: '0s',
      clear: '1m',
      severity: 'alarm',
      source: 'Decreto 1886 de 2015, art. 36',
    },
  ],
};

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
}

/** Signs in over HTTP and answers the session cookie. */
async function sessionCookie(who: { user: string; password: string }): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/login`, {
    method: 'POST',
    headers: { origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

function signIn(p: Page, who: { user: string; password: string }): Promise<void> {
  return signInThroughForm(p, baseUrl, who.user, who.password);
}

/** A 360×740 phone page in Colombian Spanish on Bogotá time; the caller closes it. */
function phonePage(): Promise<Page> {
  return browser!.newPage({ viewport: { width: 360, height: 740 }, locale: 'es-CO', timezoneId: 'America/Bogota' });
}

/** What the server says about the rules, for a failure message. */
async function diagnose(p: Page): Promise<string> {
  const status = await p.evaluate("fetch('/api/v1/rules/status').then((r) => r.text())");
  const permits = await p.evaluate("fetch('/api/v1/permits').then((r) => r.text())");
  return `rules/status: ${status}\npermits: ${permits}`;
}

beforeAll(async () => {
  rig = await browserRig('compliance');
  ({ server, shotDir } = rig);
  baseUrl = server.url;
  token = await server.addDevice('plant-01', 'mobile-plant');
  await server.addUser({ ...OFFICER, role: 'officer', site: 'mobile-plant' });
  await server.addUser({ ...OPERATOR, role: 'operator', site: 'mobile-plant' });
  await server.start();

  // The sensors exist (the permit names them) and read inside their limits now. The last
  // half hour of pH had a 5-minute excursion (20 to 15 minutes ago): the permit's first
  // version covers the past, so that becomes a closed breach, shaded on the chart.
  const now = Date.now();
  const history = Array.from({ length: 180 }, (_, i) => {
    const ts = now - 1_800_000 + i * 10_000;
    const ago = now - ts;
    return { sensor: PH.id, ts, value: ago <= 1_200_000 && ago > 900_000 ? 9.6 : 7.1 + 0.1 * Math.sin(i / 9) };
  });
  await ingest({
    device: 'plant-01',
    sensors: [PH, CO, TURBIDITY],
    readings: [
      ...history,
      { sensor: PH.id, ts: now - 2000, value: 7.2 },
      { sensor: CO.id, ts: now - 2000, value: 8 },
      { sensor: TURBIDITY.id, ts: now - 2000, value: 40 },
    ],
  });
  const cookie = await sessionCookie(OFFICER);
  const res = await fetch(`${baseUrl}/api/v1/permits`, {
    method: 'PUT',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({ permits: [PERMIT, SAFETY] }),
  });
  expect(res.status, await res.text()).toBe(200);

  browser = await rig.launch();
  page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
    acceptDownloads: true,
  });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('compliance in Chromium against vigia-server', () => {
  it('shows each rule limit small under the value, and the rule source in the chart panel', async () => {
    await signIn(page, OFFICER);
    const ph = page.locator(`[data-sensor="${PH.id}"]`);
    await expect.poll(() => ph.locator('[data-limits]').textContent(), { timeout: 10_000 }).toBe('Límite: 6–9 pH');
    expect(await ph.getAttribute('data-look')).toBe('ok');
    expect(await ph.locator('.tile__limit').getAttribute('title')).toContain(SOURCE);
    await ph.click();
    const panel = page.locator(`[data-chart-sensor="${PH.id}"]`);
    expect(await panel.textContent()).toContain(SOURCE);
    await expect.poll(() => panel.locator('.chart').getAttribute('data-limits')).toBe('6 9');
  });

  it('turns the tile red with words and an icon when the limit is crossed, and the chart shades the breach', async () => {
    const now = Date.now();
    await ingest({
      device: 'plant-01',
      readings: [
        { sensor: PH.id, ts: now - 1000, value: 10.2 },
        { sensor: PH.id, ts: now, value: 10.5 },
        { sensor: CO.id, ts: now, value: 40 },
        { sensor: TURBIDITY.id, ts: now, value: 180 },
      ],
    });
    const ph = page.locator(`[data-sensor="${PH.id}"]`);
    await expect.poll(() => ph.getAttribute('data-look'), { timeout: 15_000 }).toBe('breach');
    expect(await ph.locator('[data-alert]').textContent()).toContain('Fuera de límite del permiso');
    await expect.poll(() => ph.locator('[data-value]').textContent(), { timeout: 10_000 }).toBe('10,50');
    // White words on the whole tile red (computed in the page: the test's tsconfig has no DOM).
    const colors = await page.evaluate(
      `(() => { const s = getComputedStyle(document.querySelector('[data-sensor="${PH.id}"]')); return [s.backgroundColor, s.color]; })()`,
    );
    expect(colors).toEqual(['rgb(163, 13, 13)', 'rgb(255, 255, 255)']);

    // A safety rule (severity alarm) says ALARMA, distinct from a permit breach.
    const co = page.locator(`[data-sensor="${CO.id}"]`);
    await expect
      .poll(() => co.getAttribute('data-look'), { timeout: 15_000 })
      .toBe('alarm')
      .catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await diagnose(page)}`);
      });
    expect(await co.locator('[data-alert]').textContent()).toContain('ALARMA');

    // Out of range but inside its 5 min pending: said in words, not red yet.
    const turbidity = page.locator(`[data-sensor="${TURBIDITY.id}"]`);
    await expect.poll(() => turbidity.getAttribute('data-look'), { timeout: 20_000 }).toBe('pending');
    expect(await turbidity.textContent()).toContain('Fuera de límite — esperando 5 min');

    const chart = page.locator(`[data-chart-sensor="${PH.id}"] .chart`);
    await expect.poll(async () => Number(await chart.getAttribute('data-spans')), { timeout: 10_000 }).toBe(2);
    await screenshot(page, shotDir, 'live-breach-1280x800.png');

    const phone = await phonePage();
    try {
      await signIn(phone, OPERATOR);
      const tile = phone.locator(`[data-sensor="${PH.id}"]`);
      await expect.poll(() => tile.getAttribute('data-look'), { timeout: 15_000 }).toBe('breach');
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(phone, shotDir, 'live-breach-360x740.png');
    } finally {
      await phone.close();
    }
  });

  it('lists the breach on the Breaches page with its source, and an officer acknowledges it with a note', async () => {
    await page.getByRole('link', { name: 'Incumplimientos' }).click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/breaches');
    const phCards = page.locator('[data-breach]').filter({ hasText: 'pH descarga' });
    await phCards.first().waitFor({ timeout: 10_000 });
    expect(await phCards.count()).toBe(2);
    // Newest first: the open breach, then the earlier one, closed, with its end time.
    expect(await phCards.nth(1).getAttribute('data-state')).toBe('closed');
    expect(await phCards.nth(1).textContent()).toMatch(/Cerrado.*\d\d:\d\d – \d\d\/\d\d\/\d{4},? \d\d:\d\d.*(4|5) min/);
    const card = phCards.first();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Abierto');
    expect(text).toContain(SOURCE);
    expect(text).toContain('10,50 pH (límite 9 pH)');
    expect(text).toMatch(/\d\d\/\d\d\/\d{4},? \d\d:\d\d – en curso/);

    await card.getByRole('button', { name: 'Acusar recibo' }).click();
    await card.getByRole('button', { name: 'Guardar acuse' }).click();
    expect(await card.getByRole('alert').textContent()).toContain('Escriba una nota');
    await card.getByLabel('Nota (obligatoria)').fill('Se ajustó la dosificación de cal; pH en revisión.');
    await screenshot(page, shotDir, 'breaches-ack-form-1280x800.png');
    await card.getByRole('button', { name: 'Guardar acuse' }).click();
    const ack = card.locator('[data-ack="yes"]');
    await ack.waitFor({ timeout: 10_000 });
    expect(await ack.textContent()).toContain('oficial,');
    expect(await ack.textContent()).toContain('Se ajustó la dosificación de cal');
    expect(await card.getByRole('button', { name: 'Acusar recibo' }).count()).toBe(0);
    await screenshot(page, shotDir, 'breaches-1280x800.png');
  });

  it('shows an operator the acknowledgement but never the button', async () => {
    const phone = await phonePage();
    try {
      await signIn(phone, OPERATOR);
      await phone.getByRole('link', { name: 'Incumplimientos' }).click();
      const cards = phone.locator('[data-breach]');
      await cards.first().waitFor({ timeout: 10_000 });
      expect(await cards.count()).toBe(3);
      expect(await phone.getByRole('button', { name: 'Acusar recibo' }).count()).toBe(0);
      const ph = cards.filter({ hasText: 'pH descarga' }).first();
      expect(await ph.locator('[data-ack="yes"]').textContent()).toContain('Se ajustó la dosificación de cal');
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await screenshot(phone, shotDir, 'breaches-360x740.png');
    } finally {
      await phone.close();
    }
  });

  it('downloads the CSV and opens the printable report for the chosen month and language, in Bogotá time', async () => {
    await page.getByRole('link', { name: 'Informe' }).click();
    const csv = page.locator('[data-report="csv"]');
    await csv.waitFor({ timeout: 10_000 });
    await page.getByLabel('English').check();
    const href = new URL((await csv.getAttribute('href'))!, baseUrl);
    expect(href.pathname).toBe('/api/v1/reports/compliance');
    expect(href.searchParams.get('format')).toBe('csv');
    expect(href.searchParams.get('lang')).toBe('en');
    const from = Number(href.searchParams.get('from'));
    const to = Number(href.searchParams.get('to'));
    // Local midnight in Bogotá (UTC−5) on the 1st: 05:00 UTC.
    expect(new Date(from).getUTCHours()).toBe(5);
    expect(new Date(from).getUTCDate()).toBe(1);
    expect(new Date(to).getUTCDate()).toBe(1);
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(to).toBeGreaterThan(Date.now());

    const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
    const csvText = readFileSync((await download.path())!, 'utf8');
    expect(csvText).toContain(PERMIT.id);
    expect(csvText).toContain(SOURCE);

    const [report] = await Promise.all([page.waitForEvent('popup'), page.locator('[data-report="html"]').click()]);
    await report.waitForLoadState();
    expect(new URL(report.url()).searchParams.get('format')).toBe('html');
    expect(await report.textContent('body')).toContain(PERMIT.title);
    await screenshot(report, shotDir, 'report-html-1280x800.png');
    await report.close();

    // The previous month: its own range, still from Bogotá midnight.
    await page.getByRole('button', { name: 'Mes anterior' }).click();
    const prevFrom = Number(new URL((await csv.getAttribute('href'))!, baseUrl).searchParams.get('from'));
    expect(prevFrom).toBeLessThan(from);
    expect(new Date(prevFrom).getUTCHours()).toBe(5);
    await screenshot(page, shotDir, 'report-1280x800.png');
  });

  it('strikes through a breach that late data withdrew, with the reason, and keeps it listed', async () => {
    // A second permit on turbidity: above 100 for 2 min is a breach (a reading holds 40 s). An
    // hour ago it read 150 every 30 s for 3 min: 220 s out, a breach (closed since, no data). A
    // reading sent late shows 40 at 105 s: runs of 105 s and 100 s, neither 2 min long, so
    // re-evaluation no longer finds the breach, which stays, withdrawn.
    const rule = { id: 'turbiedad-2m', sensor: TURBIDITY.id, kind: 'max', max: 100, averaging: 'instant' };
    const timing = { pending: '2m', clear: '1m', expected_interval: '40s', severity: 'breach' };
    const permit = { id: 'turbiedad-prueba', title: 'Turbiedad (prueba)', site: 'mobile-plant' };
    const t0 = Date.now() - 3_600_000;
    await ingest({
      device: 'plant-01',
      readings: Array.from({ length: 7 }, (_, i) => ({ sensor: TURBIDITY.id, ts: t0 + i * 30_000, value: 150 })),
    });
    const cookie = await sessionCookie(OFFICER);
    const put = await fetch(`${baseUrl}/api/v1/permits`, {
      method: 'PUT',
      headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({
        permits: [{ ...permit, rules: [{ ...rule, ...timing }] }],
      }),
    });
    expect(put.status, await put.text()).toBe(200);
    const mine = async () => {
      const res = await fetch(`${baseUrl}/api/v1/breaches?from=${t0 - 60_000}&to=${t0 + 600_000}&permit=${permit.id}`, {
        headers: { cookie },
      });
      return ((await res.json()) as { breaches: { id: number; state: string }[] }).breaches;
    };
    await expect.poll(async () => (await mine()).map((b) => b.state), { timeout: 15_000 }).toEqual(['closed']);
    await ingest({ device: 'plant-01', readings: [{ sensor: TURBIDITY.id, ts: t0 + 105_000, value: 40 }] });
    await expect.poll(async () => (await mine()).map((b) => b.state), { timeout: 15_000 }).toEqual(['withdrawn']);
    const [{ id }] = await mine();

    await page.getByRole('link', { name: 'Incumplimientos' }).click();
    await page.reload();
    const card = page.locator(`[data-breach="${id}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('data-state')).toBe('withdrawn');
    // The count is of breaches in force; the withdrawn one is counted apart.
    expect(await page.locator('.page-head__count').textContent()).toMatch(
      /^4 en .* · Retirados: 1 \(tachados abajo\)$/,
    );
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Retirado');
    expect(text).toContain('llegaron datos tardíos de plant.turbidity');
    const decoration = await page.evaluate(
      `getComputedStyle(document.querySelector('[data-breach="${id}"] .breach__title')).textDecorationLine`,
    );
    expect(decoration).toBe('line-through');
    const reason = await page.evaluate(
      `getComputedStyle(document.querySelector('[data-breach="${id}"] .breach__withdrawn')).textDecorationLine`,
    );
    expect(reason).toBe('none');
    await screenshot(page, shotDir, 'breach-withdrawn-1280x800.png');
  });
});
