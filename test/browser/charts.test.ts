/**
 * Browser test of the charts, at 360 px and at 1280 px: a range from a link (the URL holds the
 * chart), a mouse drag that zooms in and re-queries at finer buckets, "Alejar" back; gaps kept;
 * times in the site's zone (Bogotá) while the browser runs on Madrid time; a second sensor on a
 * second axis and a third unit refused in words; the previous period overlaid; a withdrawn
 * breach hatched with its legend; a corrected reading marked; the download taking the chart's
 * range. Real vigia-server process, real Debian Chromium (playwright-core); fails (never skips)
 * when Chromium is missing.
 */
import type { IngestBatchInput } from '@vigia/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { ApiClient, postIngest } from '../support/client.ts';

const OFFICER = { user: 'oficial', role: 'officer', password: 'oficial-seguro-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const FLOW = { id: 'plant.flow', name: 'Caudal', quantity: 'volumetric_flow', unit: 'm3/h' };
const TEMP = { id: 'plant.temp', name: 'Temperatura agua', quantity: 'temperature', unit: 'degC' };
const TURB = { id: 'plant.turbidity', name: 'Turbiedad', quantity: 'turbidity', unit: 'NTU' };
const HOUR = 3_600_000;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';
let token = '';
let now = 0;
/** The hour with no pH readings (a gap the chart must not draw across). */
let gapFrom = 0;
/** The withdrawn turbidity breach's start. */
let t0 = 0;

async function ingest(batch: IngestBatchInput): Promise<void> {
  const res = await postIngest(baseUrl, token, batch);
  expect(res.status, res.text).toBe(200);
}

/** "HH:MM" of `ts` in `timeZone`, as the dashboard writes it in Spanish. */
const clockIn = (ts: number, timeZone: string) =>
  new Intl.DateTimeFormat('es-CO', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(ts);

/** "YYYY-MM-DDTHH:MM" of `ts` in Bogotá (UTC−5, no daylight saving). */
const bogotaWall = (ts: number) => new Date(ts - 5 * HOUR).toISOString().slice(0, 16);

beforeAll(async () => {
  rig = await browserRig('charts');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser({ ...OFFICER, site: 'mobile-plant' });
  await rig.server.start();
  now = Date.now();
  gapFrom = now - 10 * HOUR;
  // Three days of pH every 30 s with an hour missing, flow every minute, temperature for an hour.
  const ph = Array.from({ length: 3 * 2880 }, (_, i) => now - (3 * 2880 - i) * 30_000)
    .filter((ts) => ts < gapFrom || ts >= gapFrom + HOUR)
    .map((ts) => ({ sensor: PH.id, ts, value: 7 + Math.sin(ts / HOUR) / 2 }));
  const flow = Array.from({ length: 3 * 1440 }, (_, i) => ({
    sensor: FLOW.id,
    ts: now - (3 * 1440 - i) * 60_000,
    value: 12 + (i % 7),
  }));
  const temp = Array.from({ length: 60 }, (_, i) => ({ sensor: TEMP.id, ts: now - (60 - i) * 60_000, value: 21 }));
  await ingest({ device: 'plant-01', sensors: [PH, FLOW, TEMP, TURB], readings: [...ph, ...flow, ...temp] });
  // One pH reading corrected 10 minutes ago (the chart marks it).
  const corrected = ph.filter((r) => r.ts < now - 10 * 60_000).at(-1)!;
  await ingest({
    device: 'plant-01',
    readings: [{ ...corrected, value: 6.5, correction: true, reason: 'recalibrado' }],
  });

  // A turbidity breach an hour ago that late data withdrew (as in compliance.test.ts).
  t0 = now - HOUR;
  await ingest({
    device: 'plant-01',
    readings: [
      ...Array.from({ length: 7 }, (_, i) => ({ sensor: TURB.id, ts: t0 + i * 30_000, value: 150 })),
      { sensor: TURB.id, ts: now - 60_000, value: 40 },
    ],
  });
  const officer = new ApiClient(baseUrl);
  await officer.login(OFFICER.user, OFFICER.password);
  const rule = { id: 'turbiedad', sensor: TURB.id, kind: 'max', max: 100, averaging: 'instant' };
  const timing = { pending: '2m', clear: '1m', expected_interval: '40s', severity: 'breach' };
  const permit = { id: 'turbiedad', title: 'Turbiedad', site: 'mobile-plant', rules: [{ ...rule, ...timing }] };
  await officer.put('/api/v1/permits', { permits: [permit] });
  const states = async () =>
    JSON.stringify(
      (
        await officer.get<{ breaches: { state: string }[] }>(`/api/v1/breaches?from=${t0 - 60_000}&to=${t0 + 600_000}`)
      ).breaches.map((b) => b.state),
    );
  // Polled for up to 15 s (beforeAll has no expect.poll).
  await waitFor(
    async () => (await states()) === '["closed"]',
    15_000,
    () => 'the turbidity breach never closed',
    200,
  );
  await ingest({ device: 'plant-01', readings: [{ sensor: TURB.id, ts: t0 + 105_000, value: 40 }] });
  await waitFor(
    async () => (await states()) === '["withdrawn"]',
    15_000,
    () => 'the turbidity breach never withdrawn',
    200,
  );
  browser = await rig.launch();
}, 240_000);

afterAll(async () => {
  await rig?.close();
});

async function open(width: number, hash: string): Promise<Page> {
  const p = await browser!.newPage({ viewport: { width, height: 900 }, locale: 'es-CO', timezoneId: 'Europe/Madrid' });
  await signInThroughForm(p, `${baseUrl}/${hash}`, OFFICER.user, OFFICER.password);
  return p;
}

/** The chart of the page's primary sensor, once it has drawn points. */
async function drawnChart(p: Page) {
  const chart = p.locator('.panel .chart');
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 15_000 })
    .toBeGreaterThan(0);
  return chart;
}

describe('charts', () => {
  for (const width of [360, 1280]) {
    it(`at ${width} px: a linked 24 h range, a drag zooms in at finer buckets, "Alejar" goes back`, async () => {
      const p = await open(width, `#/live?sensors=${PH.id}&range=24h`);
      const chart = await drawnChart(p);
      const panel = p.locator(`[data-chart-sensor="${PH.id}"]`);
      expect(await panel.locator('[data-preset="24h"]').getAttribute('aria-pressed')).toBe('true');
      const wide = Number(await panel.locator('[data-bucket-ms]').getAttribute('data-bucket-ms'));
      expect(wide).toBeGreaterThanOrEqual(60_000);
      // The hour without readings is a break in the line, not a straight join.
      expect(Number(await chart.getAttribute('data-gaps'))).toBeGreaterThanOrEqual(1);

      const over = p.locator('.panel .u-over');
      await over.scrollIntoViewIfNeeded();
      const box = (await over.boundingBox())!;
      const y = box.y + box.height / 2;
      const answer = p.waitForResponse((r) => r.url().includes('/api/v1/series') && r.ok());
      await p.mouse.move(box.x + box.width * 0.7, y);
      await p.mouse.down();
      await p.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
      await p.mouse.move(box.x + box.width * 0.8, y, { steps: 5 });
      await p.mouse.up();
      const zoomed = (await (await answer).json()) as { bucket_ms: number; from: number; to: number };
      // A tenth of a day: re-queried, at buckets at least ten times finer.
      expect(zoomed.to - zoomed.from).toBeLessThan(3 * HOUR);
      expect(zoomed.bucket_ms).toBeLessThanOrEqual(wide / 10);
      await expect.poll(() => p.evaluate('location.hash')).toMatch(/from=\d+&to=\d+/);
      await expect
        .poll(async () => Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from')))
        .toBeLessThan(3 * HOUR);
      await screenshot(p, shotDir, `chart-zoomed-${width}.png`);

      await panel.locator('[data-zoom-out]').click();
      await expect.poll(() => p.evaluate('location.hash')).toContain('range=24h');
      await expect
        .poll(async () => Number(await chart.getAttribute('data-to')) - Number(await chart.getAttribute('data-from')))
        .toBe(24 * HOUR);
      await p.close();
    }, 60_000);
  }

  it('writes times in the site zone (Bogotá) while the browser runs on Madrid time', async () => {
    const from = now - 6 * HOUR;
    const to = now - 2 * HOUR;
    const p = await open(1280, `#/live?sensors=${PH.id}&from=${from}&to=${to}`);
    await drawnChart(p);
    const panel = p.locator(`[data-chart-sensor="${PH.id}"]`);
    expect(await panel.locator('[data-range-from]').inputValue()).toBe(bogotaWall(from));
    expect(await panel.locator('[data-range-to]').inputValue()).toBe(bogotaWall(to));
    expect(await panel.locator('[data-range-zone]').textContent()).toBe('(horas en hora de Bogotá)');
    expect(await panel.locator('.u-legend').textContent()).toContain('Hora (hora de Bogotá)');
    // Hovering the right edge shows the time of the last point there, in Bogotá.
    await panel.locator('.u-over').scrollIntoViewIfNeeded();
    const box = (await panel.locator('.u-over').boundingBox())!;
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 4 });
    const value = panel.locator('.u-legend .u-series').first().locator('.u-value');
    await expect.poll(() => value.textContent()).toMatch(/^\d\d:\d\d$/);
    const shown = (await value.textContent()) ?? '';
    const near = Array.from({ length: 12 }, (_, i) => to - i * 60_000);
    expect(near.map((ts) => clockIn(ts, 'America/Bogota'))).toContain(shown);
    expect(near.map((ts) => clockIn(ts, 'Europe/Madrid'))).not.toContain(shown);

    // A custom range typed in Bogotá time is read as Bogotá time.
    await panel.locator('[data-range-from]').fill(bogotaWall(now - 3 * HOUR));
    await panel.locator('[data-range-to]').fill(bogotaWall(now - 2 * HOUR));
    const answer = p.waitForResponse((r) => r.url().includes('/api/v1/series') && r.ok());
    await panel.getByRole('button', { name: 'Ver' }).click();
    const url = new URL((await answer).url());
    const asked = Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'));
    expect(asked).toBe(HOUR);
    expect(Math.abs(Number(url.searchParams.get('to')) - (now - 2 * HOUR))).toBeLessThan(60_000);
    await p.close();
  }, 60_000);

  it('puts a second unit on a second axis, refuses a third in words, and a link reproduces it', async () => {
    const p = await open(1280, `#/live?sensors=${PH.id}&range=24h`);
    const chart = await drawnChart(p);
    const panel = p.locator(`[data-chart-sensor="${PH.id}"]`);
    await panel.locator('[data-add-sensor]').selectOption(FLOW.id);
    await expect.poll(() => chart.getAttribute('data-layers')).toBe('2');
    expect(await chart.getAttribute('data-axes')).toBe('2');
    await panel.locator('[data-add-sensor]').selectOption(TEMP.id);
    await expect
      .poll(() => panel.locator('[data-chart-refusal]').textContent())
      .toBe(
        'No se puede añadir Temperatura agua (°C): la gráfica ya tiene dos unidades (pH, m³/h). Quite un sensor primero.',
      );
    expect(await chart.getAttribute('data-layers')).toBe('2');
    const hash = (await p.evaluate('location.hash')) as string;
    expect(hash).toContain(`sensors=${PH.id},${FLOW.id}`);

    await p.reload();
    await p.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });
    const again = await drawnChart(p);
    await expect.poll(() => again.getAttribute('data-layers')).toBe('2');
    await screenshot(p, shotDir, 'chart-two-axes-1280.png');
    // Another page and back through the "En vivo" tab: the same chart, in the URL again.
    await p.locator('[data-route="breaches"]').click();
    await p.locator('[data-route="live"]').click();
    await expect
      .poll(async () => Number(await p.locator('.panel .chart').getAttribute('data-layers')), { timeout: 10_000 })
      .toBe(2);
    expect(await p.evaluate('location.hash')).toContain(`sensors=${PH.id},${FLOW.id}`);
    await p.close();
  }, 60_000);

  it('overlays the previous period, dashed, named in the legend', async () => {
    const p = await open(1280, `#/live?sensors=${PH.id}&range=24h`);
    const chart = await drawnChart(p);
    const panel = p.locator(`[data-chart-sensor="${PH.id}"]`);
    const previous = p.waitForResponse((r) => {
      if (!r.url().includes('/api/v1/series')) return false;
      const u = new URL(r.url());
      return (
        Number(u.searchParams.get('to')) - Number(u.searchParams.get('from')) === 24 * HOUR &&
        Number(u.searchParams.get('to')) < now - 23 * HOUR
      );
    });
    await panel.locator('[data-compare]').check();
    await previous;
    await expect.poll(() => chart.getAttribute('data-layers')).toBe('2');
    expect(await panel.locator('.u-legend').textContent()).toContain('pH descarga (periodo anterior)');
    expect(await p.evaluate('location.hash')).toContain('compare=1');
    await p.close();
  }, 60_000);

  it('hatches a withdrawn breach with its legend, and marks a corrected reading', async () => {
    const p = await open(1280, `#/live?sensors=${TURB.id}&from=${t0 - 15 * 60_000}&to=${t0 + 20 * 60_000}`);
    const chart = await drawnChart(p);
    await expect.poll(() => chart.getAttribute('data-spans')).toBe('1');
    const legend = p.locator('[data-legend="withdrawn"]');
    expect(await legend.textContent()).toContain('Incumplimiento retirado');
    expect(await p.locator('[data-legend="breach"]').count()).toBe(0);
    // On the canvas: the bar over the span is the withdrawn grey, not a breach's red.
    const from = Number(await chart.getAttribute('data-from'));
    const to = Number(await chart.getAttribute('data-to'));
    const mid = t0 + 100_000;
    const rgb = (await p.evaluate(`(() => {
      const over = document.querySelector('.panel .u-over').getBoundingClientRect();
      const canvas = document.querySelector('.panel .chart canvas');
      const box = canvas.getBoundingClientRect();
      const k = canvas.width / box.width;
      const x = over.left + ((${mid} - ${from}) / (${to} - ${from})) * over.width;
      const d = canvas.getContext('2d').getImageData(Math.round((x - box.left) * k), Math.round((over.top - box.top) * k) + 1, 1, 1).data;
      return [d[0], d[1], d[2]];
    })()`)) as number[];
    expect(rgb).toEqual([0x6b, 0x6b, 0x6b]);
    await screenshot(p, shotDir, 'chart-withdrawn-1280.png');

    await p.goto(`${baseUrl}/#/live?sensors=${PH.id}&range=1h`);
    const ph = await drawnChart(p);
    await expect.poll(() => ph.getAttribute('data-marks')).toBe('1');
    expect(await p.locator('[data-legend="corrected"]').textContent()).toContain('Lectura corregida');
    await p.close();
  }, 60_000);

  it('opens the chart around a breach from its card on the Breaches page', async () => {
    const p = await open(1280, '');
    await p.locator('[data-route="breaches"]').click();
    const card = p.locator('[data-breach][data-state="withdrawn"]');
    await card.waitFor({ timeout: 10_000 });
    await card.locator('[data-breach-chart]').click();
    const chart = await drawnChart(p);
    expect(await p.locator(`[data-chart-sensor="${TURB.id}"]`).count()).toBe(1);
    // The breach's 3.5 min padded by 15 min a side.
    const from = Number(await chart.getAttribute('data-from'));
    const to = Number(await chart.getAttribute('data-to'));
    expect(from).toBeLessThanOrEqual(t0 - 14 * 60_000);
    expect(to - from).toBeLessThan(45 * 60_000);
    await expect.poll(() => chart.getAttribute('data-spans')).toBe('1');
    await p.close();
  }, 60_000);

  it("downloads the CSV of exactly the chart's range", async () => {
    const from = now - 6 * HOUR;
    const to = now - 2 * HOUR;
    const p = await open(360, `#/live?sensors=${PH.id}&from=${from}&to=${to}`);
    await drawnChart(p);
    const link = p.locator(`[data-download="${PH.id}"]`);
    const href = new URL((await link.getAttribute('href'))!, baseUrl);
    expect(href.pathname).toBe('/api/v1/readings');
    expect([href.searchParams.get('from'), href.searchParams.get('to'), href.searchParams.get('locale')]).toEqual([
      String(from),
      String(to),
      'es',
    ]);
    await p.locator('[data-download-locale]').selectOption('en');
    expect(new URL((await link.getAttribute('href'))!, baseUrl).searchParams.get('locale')).toBe('en');
    const res = await p.request.get(new URL((await link.getAttribute('href'))!, baseUrl).toString());
    expect(res.status()).toBe(200);
    // English CSV: one header row and one row a reading (every 30 s over 4 h).
    const lines = (await res.text()).trimEnd().split(/\r?\n/);
    expect(lines.length - 1).toBe(4 * 120);
    await p.close();
  }, 60_000);
});
