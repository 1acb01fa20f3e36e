/**
 * The dashboard chart's draw in real Chromium: a year of one sensor (the test server's store
 * filled through the `Store` interface, one reading every BENCH_CHART_STEP_S seconds, default
 * 10: every minute and hour holds readings, so the year's buckets are what 1 Hz would give) and
 * its last 24 h, each opened RUNS times; `data-draw-ms` is the chart's own measure from the
 * answers' arrival to the end of uPlot's draw (the budget: 150 ms for the year). Figures: the
 * median of each, and the year ÷ day ratio (side by side in one run: this machine is noisy).
 */
import { browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { postIngest } from '../support/client.ts';
import { writeYear } from '../support/year-store.ts';
import { type Bench, percentile } from './figure.ts';

const STEP_S = Number(process.env.BENCH_CHART_STEP_S ?? 10);
const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 5);
const SENSOR = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const USER = { user: 'bench', role: 'operator', password: 'bench-operadora-2026' };
const DAY_MS = 86_400_000;

export const chartBench: Bench = {
  name: 'chart',
  async run(emit) {
    const rig = await browserRig('bench-chart');
    try {
      const token = await rig.server.addDevice('plant-01', 'mobile-plant');
      await rig.server.addUser(USER);
      const now = Date.now();
      await writeYear(rig.server.dataDir, SENSOR.id, now - 365 * DAY_MS, STEP_S, (s) => 7 + Math.sin(s / 86_400));
      await rig.server.start();
      const res = await postIngest(rig.server.url, token, {
        device: 'plant-01',
        sensors: [SENSOR],
        readings: [{ sensor: SENSOR.id, ts: now, value: 7 }],
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.text}`);
      const browser = await rig.launch();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
      const page = await context.newPage();
      await signInThroughForm(page, rig.server.url, USER.user, USER.password);

      const drawOf = async (range: string) => {
        const times: number[] = [];
        let buckets = 0;
        for (let i = 0; i < RUNS; i++) {
          await page.goto(`${rig.server.url}/#/live?sensors=${SENSOR.id}&range=${range}`);
          await page.reload();
          const chart = page.locator('.panel .chart[data-drawn-points]:not([data-drawn-points="0"])');
          await chart.waitFor({ timeout: 30_000 });
          buckets = Number(await chart.getAttribute('data-drawn-points'));
          times.push(Number(await chart.getAttribute('data-draw-ms')));
        }
        return {
          ms: percentile(
            [...times].sort((a, b) => a - b),
            50,
          ),
          buckets,
        };
      };
      const year = await drawOf('1y');
      const day = await drawOf('24h');
      const note = `median of ${RUNS}, 1280 px, one reading every ${STEP_S} s`;
      emit({ name: 'chart.year_draw', value: year.ms, unit: 'ms', note: `${year.buckets} points; ${note}` });
      emit({ name: 'chart.day_draw', value: day.ms, unit: 'ms', note: `${day.buckets} points; ${note}` });
      emit({ name: 'chart.year_vs_day_draw', value: year.ms / day.ms, unit: 'ratio', ratio: year.ms / day.ms, note });
    } finally {
      await rig.close();
    }
  },
};
