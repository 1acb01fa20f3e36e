/**
 * Browser test: the built dashboard, served by the real vigia-server process, in real Debian
 * Chromium (playwright-core). An operator signs in through the form, sees a posted value in
 * Colombian number format, and sees the next value arrive over the live stream without a
 * reload. Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestBatchInput } from '@vigia/shared';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireCommand, waitFor } from '../services/util.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER_BIN = join(REPO, 'server', 'bin', 'vigia-server.mjs');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PASSWORD = 'operador-seguro-2026';
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const WATER = { id: 'plant.water_in', name: 'Agua de entrada', quantity: 'volumetric_flow', unit: 'm3/h' };
/** Registered by its metadata, never sent a reading. */
const TURBIDITY = { id: 'plant.turbidity', name: 'Turbiedad descarga', quantity: 'turbidity', unit: 'NTU' };

let dataDir = '';
let shotDir = '';
let baseUrl = '';
let port = 0;
let token = '';
let server: ChildProcess | undefined;
let serverLog = '';
let browser: Browser | undefined;
let page: Page;

function cli(args: string[], input?: string): string {
  return execFileSync(process.execPath, [SERVER_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, VIGIA_DATA_DIR: dataDir },
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

async function ingest(batch: IngestBatchInput): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  expect(JSON.parse(body)).toEqual({ accepted: batch.readings.length });
}

/**
 * `pnpm --filter @vigia/dashboard build`. pnpm sometimes fails before running anything while
 * it checks its own pinned version against the registry (ERR_PNPM_BAD_CONFIG_DEP, offline or
 * flaky network); then the same `vite build` runs directly, which needs no network.
 */
function buildDashboard(): void {
  try {
    execFileSync('pnpm', ['--filter', '@vigia/dashboard', 'build'], { cwd: REPO, stdio: 'pipe', timeout: 120_000 });
  } catch (err) {
    const viteBin = join(REPO, 'dashboard', 'node_modules', 'vite', 'bin', 'vite.js');
    try {
      execFileSync(process.execPath, [viteBin, 'build'], {
        cwd: join(REPO, 'dashboard'),
        stdio: 'pipe',
        timeout: 120_000,
      });
    } catch (direct) {
      const out = (e: unknown) => String((e as { stderr?: Buffer }).stderr ?? e);
      throw new Error(`dashboard build failed:\npnpm: ${out(err)}\nvite: ${out(direct)}`);
    }
  }
}

async function startServer(): Promise<void> {
  serverLog = '';
  const child = spawn(process.execPath, [SERVER_BIN], {
    cwd: REPO,
    env: { ...process.env, VIGIA_PORT: String(port), VIGIA_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  const keep = (d: Buffer) => {
    serverLog = (serverLog + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitFor(
    async () => child.exitCode === null && (await fetch(`${baseUrl}/health`)).ok,
    30_000,
    () => `vigia-server did not answer /health on ${baseUrl}:\n${serverLog}`,
    100,
  );
}

async function stopServer(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

beforeAll(async () => {
  requireCommand(CHROMIUM, 'chromium');
  if (!existsSync(join(REPO, 'dashboard', 'dist', 'index.html'))) buildDashboard();
  dataDir = mkdtempSync(join(tmpdir(), 'vigia-browser-'));
  shotDir = mkdtempSync(join(tmpdir(), 'vigia-shots-'));
  // `device add` prints the token alone on its last line (DESIGN.md).
  token = cli(['device', 'add', 'plant-01', '--site', 'mobile-plant']).trim().split('\n').at(-1)!.trim();
  expect(token.length).toBeGreaterThan(10);
  cli(['user', 'add', 'demo', '--role', 'operator', '--site', 'mobile-plant', '--password-stdin'], `${PASSWORD}\n`);

  port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  await startServer();

  // The last ten minutes of pH, one reading per 10 s, and a water flow that went silent.
  const now = Date.now();
  const history = Array.from({ length: 60 }, (_, i) => ({
    sensor: PH.id,
    ts: now - (60 - i) * 10_000,
    value: 7 + 0.3 * Math.sin(i / 6),
  }));
  await ingest({
    device: 'plant-01',
    sensors: [PH, WATER, TURBIDITY],
    readings: [
      ...history,
      { sensor: WATER.id, ts: now - 5 * 60_000, value: 12.5 },
      { sensor: PH.id, ts: now, value: 7.25 },
    ],
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'es-CO' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard in Chromium against vigia-server', () => {
  it('shows the login form in Spanish and says in words when the password is wrong', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    await page.getByLabel('Usuario').fill('demo');
    await page.getByLabel('Contraseña').fill('no-es-la-clave');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('Usuario o contraseña incorrectos');
    expect(await page.locator('body[data-ready="1"]').count()).toBe(0);
  });

  it('signs in and shows the posted value with a comma decimal, and a silent sensor as silent', async () => {
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });

    const ph = page.locator(`[data-sensor="${PH.id}"]`);
    await expect.poll(() => ph.locator('[data-value]').textContent(), { timeout: 10_000 }).toBe('7,25');
    expect(await ph.getAttribute('data-state')).toBe('ok');
    expect(await ph.textContent()).toContain('pH descarga');

    const water = page.locator(`[data-sensor="${WATER.id}"]`);
    expect(await water.getAttribute('data-state')).toBe('stale');
    expect(await water.textContent()).toMatch(/Sin datos desde \d\d:\d\d/);
    expect(await water.locator('[data-value]').textContent()).toBe('12,50');
    expect(await water.textContent()).toContain('Caudal');

    const turbidity = page.locator(`[data-sensor="${TURBIDITY.id}"]`);
    expect(await turbidity.getAttribute('data-state')).toBe('never');
    expect(await turbidity.textContent()).toContain('Nunca se han recibido datos');
    expect(await turbidity.locator('[data-value]').textContent()).toBe('—');

    await expect.poll(() => page.locator('[data-connection]').textContent(), { timeout: 10_000 }).toContain('En vivo');
  });

  it('draws the chart of the selected sensor with the last hour from the server', async () => {
    const chart = page.locator('[data-chart-sensor="plant.ph"] .chart');
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 10_000 })
      .toBeGreaterThan(30);
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(600);

    // Tapping the other tile moves the chart to that sensor.
    await page.locator(`[data-sensor="${WATER.id}"]`).click();
    await page.locator(`[data-chart-sensor="${WATER.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`[data-sensor="${WATER.id}"]`).getAttribute('aria-pressed')).toBe('true');
    await page.locator(`[data-sensor="${PH.id}"]`).click();
    await page.locator(`[data-chart-sensor="${PH.id}"]`).waitFor({ timeout: 10_000 });
  });

  it('updates the tile from the live stream without a reload', async () => {
    await page.evaluate('window.__notReloaded = true');
    const pointsBefore = Number(
      await page.locator('[data-chart-sensor="plant.ph"] .chart').getAttribute('data-points'),
    );
    await ingest({ device: 'plant-01', readings: [{ sensor: PH.id, ts: Date.now(), value: 6.8 }] });
    const value = page.locator(`[data-sensor="${PH.id}"] [data-value]`);
    await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6,80');
    expect(await page.evaluate('window.__notReloaded')).toBe(true);
    // The live value is appended to the chart too.
    await expect
      .poll(async () => Number(await page.locator('[data-chart-sensor="plant.ph"] .chart').getAttribute('data-points')))
      .toBeGreaterThan(pointsBefore);
    const shot = join(shotDir, 'dashboard-1280x800.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    expect(existsSync(shot)).toBe(true);
  });

  it('switches to English with point decimals and keeps the choice after a reload', async () => {
    await page.getByRole('button', { name: 'Cambiar idioma a inglés' }).click();
    const value = page.locator(`[data-sensor="${PH.id}"] [data-value]`);
    await expect.poll(() => value.textContent()).toBe('6.80');
    expect(await page.locator('[data-connection]').textContent()).toContain('Live');
    await page.reload();
    await page.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6.80');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('[data-connection]').textContent(), { timeout: 10_000 }).toContain('Live');
  });

  it('fits a 360 px phone: one column, big values, no sideways scrolling', async () => {
    const phone = await browser!.newPage({ viewport: { width: 360, height: 740 }, locale: 'es-CO' });
    try {
      await phone.goto(baseUrl);
      await phone.getByLabel('Usuario').fill('demo');
      await phone.getByLabel('Contraseña').fill(PASSWORD);
      await phone.getByRole('button', { name: 'Entrar' }).click();
      await phone.locator('body[data-ready="1"]').waitFor({ timeout: 15_000 });
      const value = phone.locator(`[data-sensor="${PH.id}"] [data-value]`);
      await expect.poll(() => value.textContent(), { timeout: 10_000 }).toBe('6,80');
      const fontPx = Number.parseFloat(
        await phone.evaluate(
          `getComputedStyle(document.querySelector('[data-sensor="${PH.id}"] [data-value]')).fontSize`,
        ),
      );
      expect(fontPx).toBeGreaterThanOrEqual(48);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      const shot = join(shotDir, 'dashboard-360x740.png');
      await phone.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);
    } finally {
      await phone.close();
    }
  });

  it('says "Sin conexión — reintentando" while the server is down, and goes live again when it is back', async () => {
    // Back to Spanish (the previous test left English on).
    await page.getByRole('button', { name: 'Switch language to Spanish' }).click();
    const connection = page.locator('[data-connection]');
    await expect.poll(() => connection.textContent(), { timeout: 10_000 }).toContain('En vivo');
    await stopServer();
    await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toContain('Sin conexión — reintentando');
    expect(await connection.getAttribute('data-connection')).toBe('retrying');
    const shot = join(shotDir, 'dashboard-offline-1280x800.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    await startServer();
    // The session survives the restart (it is stored in the data dir); no login needed.
    await expect.poll(() => connection.textContent(), { timeout: 30_000 }).toContain('En vivo');
    await ingest({ device: 'plant-01', readings: [{ sensor: PH.id, ts: Date.now(), value: 7.05 }] });
    await expect
      .poll(() => page.locator(`[data-sensor="${PH.id}"] [data-value]`).textContent(), { timeout: 10_000 })
      .toBe('7,05');
  });
});
