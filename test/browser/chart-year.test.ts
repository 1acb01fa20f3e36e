/**
 * Browser test: a year of one sensor draws within 150 ms after the data arrives, and the
 * request takes the rollups. The year is written straight into the test server's SQLite store
 * (the `Store` interface, the way ingest writes, rollups included) before the server starts.
 * The chart times itself (performance mark `vigia-chart-drawn`, `data-draw-ms`: from the
 * answers' arrival to the end of uPlot's draw). Real vigia-server, real Debian Chromium.
 *
 * One reading every VIGIA_CHART_YEAR_STEP_S seconds (default 10: 3.15 M readings, ~8 s to
 * write; 1 is the issue's 1 Hz, 31.5 M readings, ~75 s and ~1.3 GB of disk). Every minute and
 * hour holds readings either way, so the year's query reads the same 8,760 hour rollups and
 * the chart gets the same buckets: what is drawn, and so the draw time, does not depend on it.
 * The 1 Hz store query itself is measured in `npm run bench -- series`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { postIngest } from '../support/client.ts';
import { writeYear } from '../support/year-store.ts';

const OPERATOR = { user: 'ana', role: 'operator', password: 'operadora-2026' };
const SENSOR = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const STEP_S = Number(process.env.VIGIA_CHART_YEAR_STEP_S ?? 10);
const YEAR_MS = 365 * 86_400_000;
const DRAW_BUDGET_MS = 150;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  rig = await browserRig('chart-year');
  baseUrl = rig.server.url;
  const token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(OPERATOR);
  const now = Date.now();
  await writeYear(
    rig.server.dataDir,
    SENSOR.id,
    now - YEAR_MS,
    STEP_S,
    (s) => 7 + Math.sin(s / 86_400) + (s % 17) / 100,
  );
  await rig.server.start();
  // Registers the sensor with its device and site (the metadata the bulk write skipped).
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [SENSOR],
    readings: [{ sensor: SENSOR.id, ts: now, value: 7.2 }],
  });
  expect(res.status, res.text).toBe(200);
  browser = await rig.launch();
}, 300_000);

afterAll(async () => {
  await rig?.close();
});

describe('a year on one chart', () => {
  it(`draws a year within ${DRAW_BUDGET_MS} ms after the data arrives, from hour rollups`, async () => {
    const p = await browser!.newPage({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    // The chart's request (the tile's sparkline asks the same route for its last hour).
    const yearLong = (url: string) => {
      const q = new URL(url).searchParams;
      return Number(q.get('to')) - Number(q.get('from')) >= 300 * 86_400_000;
    };
    const answer = p.waitForResponse((r) => r.url().includes('/api/v1/series') && yearLong(r.url()) && r.ok(), {
      timeout: 30_000,
    });
    await signInThroughForm(p, `${baseUrl}/#/live?sensors=${SENSOR.id}&range=1y`, OPERATOR.user, OPERATOR.password);
    const body = (await (await answer).json()) as { bucket_ms: number; buckets: { n: number }[] };
    // Hour-wide buckets or wider: answered from the 1-hour rollups.
    expect(body.bucket_ms).toBeGreaterThanOrEqual(3_600_000);
    expect(body.bucket_ms % 3_600_000).toBe(0);
    expect(body.buckets.length).toBeGreaterThan(900);
    const total = body.buckets.reduce((n, b) => n + b.n, 0);
    expect(total).toBeGreaterThan((0.99 * YEAR_MS) / 1000 / STEP_S);

    const chart = p.locator('.panel .chart');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-drawn-points')), { timeout: 15_000 })
      .toBeGreaterThan(900);
    const ms = Number(await chart.getAttribute('data-draw-ms'));
    const marks = (await p.evaluate("performance.getEntriesByName('vigia-chart-drawn').length")) as number;
    console.log(`year chart: ${body.buckets.length} buckets of ${body.bucket_ms / 3_600_000} h drawn in ${ms} ms`);
    expect(marks).toBeGreaterThan(0);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(DRAW_BUDGET_MS);
    await p.close();
  }, 60_000);
});
