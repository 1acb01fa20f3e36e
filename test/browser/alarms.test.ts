/**
 * Browser test: operators notice every alarm. At 360 px an operator's screen gets a safety
 * alarm: the summary bar counts it, a two-tone siren starts (OscillatorNode.start, recorded by
 * an init script wrapping Web Audio), the tile turns to ALARMA, and a tap on the bar shows its
 * chart. "Silenciar" then keeps the next alarm quiet while the bar still counts it. At 1280 px
 * a permit breach sounds a different tone, the bar lists the safety alarms first, and the
 * edge's local safety alarm (sent with its status) is listed as local and sounds; the operator
 * adds a note to the breach (shown on it, not an acknowledgement).
 * Real vigia-server process, real Debian Chromium (playwright-core); fails (never skips) when
 * Chromium is missing.
 */
import type { IngestBatchInput } from '@vigia/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const OFFICER = { user: 'oficial', password: 'oficial-seguro-2026' };
const OPERATOR = { user: 'operador', password: 'operador-seguro-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const CO1 = { id: 'tunnel.co', name: 'CO túnel 1', quantity: 'carbon_monoxide', unit: 'ppm' };
const CO2 = { id: 'tunnel2.co', name: 'CO túnel 2', quantity: 'carbon_monoxide', unit: 'ppm' };
const rule = (id: string, sensor: string, max: number, severity: string) => ({
  id,
  sensor,
  kind: 'max',
  max,
  averaging: 'instant',
  pending: '0s',
  clear: '1m',
  severity,
  source: 'Decreto 1886 de 2015, art. 36',
});
const PERMITS = [
  {
    id: 'vertimiento',
    title: 'Permiso de vertimientos',
    site: 'mobile-plant',
    rules: [rule('ph', PH.id, 9, 'breach')],
  },
  {
    id: 'atmosfera',
    title: 'Atmósfera subterránea',
    site: 'mobile-plant',
    rules: [rule('co1', CO1.id, 25, 'alarm'), rule('co2', CO2.id, 25, 'alarm')],
  },
];
/** Records every oscillator started: its wave type (the tone) and when. */
const AUDIO_SPY = `(() => {
  window.__oscillators = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__oscillators.push(this.type);
    return start.apply(this, args);
  };
})();`;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let token = '';
let shotDir = '';

async function ingest(batch: IngestBatchInput): Promise<void> {
  const res = await postIngest(baseUrl, token, batch);
  expect(res.status, res.text).toBe(200);
}

async function operatorPage(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({
    viewport: { width, height: 800 },
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
  });
  await context.addInitScript(AUDIO_SPY);
  const page = await context.newPage();
  await signInThroughForm(page, baseUrl, OPERATOR.user, OPERATOR.password);
  return { context, page };
}
const oscillators = (p: Page) => p.evaluate('window.__oscillators') as Promise<string[]>;

beforeAll(async () => {
  rig = await browserRig('alarms');
  baseUrl = rig.server.url;
  shotDir = rig.shotDir;
  token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser({ ...OFFICER, role: 'officer', site: 'mobile-plant' });
  await rig.server.addUser({ ...OPERATOR, role: 'operator', site: 'mobile-plant' });
  await rig.server.start();
  const now = Date.now();
  await ingest({
    device: 'plant-01',
    sensors: [PH, CO1, CO2],
    readings: [
      { sensor: PH.id, ts: now - 2000, value: 7.2 },
      { sensor: CO1.id, ts: now - 2000, value: 8 },
      { sensor: CO2.id, ts: now - 2000, value: 8 },
    ],
  });
  const login = await fetch(`${baseUrl}/api/v1/login`, {
    method: 'POST',
    headers: { origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify(OFFICER),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const res = await fetch(`${baseUrl}/api/v1/permits`, {
    method: 'PUT',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({ permits: PERMITS }),
  });
  expect(res.status, await res.text()).toBe(200);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('alarms for operators', () => {
  it('at 360 px: a safety alarm opens the bar, sounds the siren, turns the tile; silence keeps the next one quiet', async () => {
    const { context, page } = await operatorPage(360);
    const bar = page.locator('.alarm-bar');
    expect(await bar.getAttribute('data-open')).toBe('0');
    expect(await bar.textContent()).toContain('Sin alarmas ni incumplimientos abiertos');
    expect(await oscillators(page)).toEqual([]);

    await ingest({ device: 'plant-01', readings: [{ sensor: CO1.id, ts: Date.now(), value: 40 }] });
    await expect.poll(() => bar.getAttribute('data-open'), { timeout: 15_000 }).toBe('1');
    expect(await bar.textContent()).toContain('Abiertos: 1 alarmas de seguridad, 0 incumplimientos');
    await expect.poll(() => oscillators(page), { timeout: 5000 }).toContain('sawtooth');
    expect((await oscillators(page)).every((t) => t === 'sawtooth')).toBe(true);
    const tile = page.locator(`[data-sensor="${CO1.id}"]`);
    await expect.poll(() => tile.getAttribute('data-look'), { timeout: 15_000 }).toBe('alarm');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(page, shotDir, 'alarm-bar-360.png');

    // A tap on the bar shows that sensor's chart.
    await bar.locator(`[data-alarm-sensor="${CO1.id}"]`).click();
    await page.locator(`[data-chart-sensor="${CO1.id}"]`).waitFor({ timeout: 5000 });

    // Silence: the next alarm sounds nothing, but the bar counts it; nothing is cleared.
    const silence = bar.getByRole('button', { name: 'Silenciar 15 min' });
    // Readable on the red bar: its text is not the colour of its own background.
    const colours = await silence.evaluate((el) => {
      // Runs in the page; the test part's compiler has no DOM types.
      type Styles = { getComputedStyle(e: unknown): { color: string; backgroundColor: string } };
      const style = (globalThis as unknown as Styles).getComputedStyle(el);
      return [style.color, style.backgroundColor];
    });
    expect(colours[0]).not.toBe(colours[1]);
    await silence.click();
    await bar.locator('[data-silenced]').waitFor();
    const before = (await oscillators(page)).length;
    await ingest({ device: 'plant-01', readings: [{ sensor: CO2.id, ts: Date.now(), value: 41 }] });
    await expect.poll(() => bar.getAttribute('data-open'), { timeout: 15_000 }).toBe('2');
    await expect.poll(() => page.evaluate('document.body.dataset.lastSignal'), { timeout: 5000 }).toBe('silenced');
    expect((await oscillators(page)).length).toBe(before);
    await context.close();
  }, 90_000);

  it('at 1280 px: a permit breach sounds its own tone; the bar lists safety alarms first', async () => {
    const { context, page } = await operatorPage(1280);
    const bar = page.locator('.alarm-bar');
    await expect.poll(() => bar.getAttribute('data-open'), { timeout: 15_000 }).toBe('2');
    await ingest({ device: 'plant-01', readings: [{ sensor: PH.id, ts: Date.now(), value: 10.5 }] });
    await expect.poll(() => bar.getAttribute('data-open'), { timeout: 15_000 }).toBe('3');
    await expect.poll(() => oscillators(page), { timeout: 5000 }).toContain('square');
    expect(await oscillators(page)).not.toContain('sawtooth');
    const order = await bar
      .locator('[data-alarm-sensor]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-alarm-sensor')));
    expect(order).toHaveLength(3);
    expect(order[2]).toBe(PH.id);
    await expect
      .poll(() => page.locator(`[data-sensor="${PH.id}"]`).getAttribute('data-look'), { timeout: 15_000 })
      .toBe('breach');
    await screenshot(page, shotDir, 'alarm-bar-1280.png');

    // The edge's own safety alarm, sent with its status: listed as local, and it sounds the siren.
    await ingest({
      device: 'plant-01',
      readings: [],
      status: { backlog: 0, dropped: 0, safety_alarms: [{ rule: 'ch4-local', sensor: CO1.id, since: Date.now() }] },
    });
    const local = bar.locator('[data-local="1"]');
    await local.waitFor({ timeout: 10_000 });
    expect(await local.textContent()).toContain('alarma local del equipo');
    expect(await bar.getAttribute('data-open')).toBe('4');
    await expect.poll(() => oscillators(page), { timeout: 5000 }).toContain('sawtooth');

    // The operator notes what was done on the breach; it shows there and acknowledges nothing.
    await page.goto(`${baseUrl}/#/breaches`);
    const card = page.locator('[data-breach][data-state="open"]').filter({ hasText: 'pH descarga' }).first();
    await card.getByRole('button', { name: 'Agregar nota' }).click();
    await card.getByLabel(/Qué se hizo/).fill('válvula cerrada 10:50');
    await card.getByRole('button', { name: 'Guardar nota' }).click();
    await expect.poll(() => card.locator('.breach__notes').getAttribute('data-notes'), { timeout: 5000 }).toBe('1');
    expect(await card.locator('.breach__notes').textContent()).toContain('válvula cerrada 10:50');
    expect(await card.locator('.breach__ack').getAttribute('data-ack')).toBe('no');
    await context.close();
  }, 90_000);
});
