/**
 * Browser test: the Devices tab ("Equipos") of the built dashboard, served by the real
 * vigia-server process, in real Debian Chromium (playwright-core). A technician sees per device
 * the backlog and how fast it drains, the clock correction and the silent sensors; a batch
 * whose status reports dropped readings updates the card live with the lost period, and the
 * server records `device_dropped_readings` in the audit log. A device last heard from minutes
 * ago is shown as having no contact. Screenshots at 360×740 and 1280×800.
 * Never installs browsers; fails (never skips) when Chromium is missing.
 */
import { join } from 'node:path';
import type { IngestBatchInput } from '@vigia/shared';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';
import type { ServerProcess } from '../support/server.ts';

const PASSWORD = 'tecnico-seguro-2026';
const ADMIN_PASSWORD = 'admin-seguro-2026';
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const WATER = { id: 'plant.water_in', name: 'Agua de entrada', quantity: 'volumetric_flow', unit: 'm3/h' };
const TURBIDITY = { id: 'plant.turbidity', name: 'Turbiedad descarga', quantity: 'turbidity', unit: 'NTU' };
const NBSP = '\u00a0';

let rig: BrowserRig | undefined;
let shotDir = '';
let baseUrl = '';
let tokens: Record<string, string> = {};
let server: ServerProcess | undefined;
let browser: Browser | undefined;
let page: Page;

async function ingest(token: string, batch: IngestBatchInput): Promise<void> {
  const res = await postIngest(baseUrl, token, batch);
  expect(res.status, res.text).toBe(200);
}

function signIn(p: Page, user: string, password: string): Promise<void> {
  return signInThroughForm(p, `${baseUrl}/#/devices`, user, password, '[data-devices-ready="1"]');
}

beforeAll(async () => {
  rig = await browserRig('devices');
  ({ server, shotDir } = rig);
  baseUrl = server.url;
  tokens = {
    'plant-01': await server.addDevice('plant-01', 'mobile-plant'),
    'tunnel-01': await server.addDevice('tunnel-01', 'tunnel-1'),
    'pump-02': await server.addDevice('pump-02', 'mobile-plant'),
  };
  await server.addUser({ user: 'tecnico', role: 'technician', password: PASSWORD });
  await server.addUser({ user: 'jefa', role: 'admin', password: ADMIN_PASSWORD });
  await server.start();

  // plant-01: pH every 10 s up to now; the water flow went silent 10 min ago; turbidity never
  // sent a reading. The edge has 2 340 readings queued, draining at 13/s, and its clock was
  // corrected by 3.2 s.
  const now = Date.now();
  await ingest(tokens['plant-01']!, {
    device: 'plant-01',
    sensors: [PH, WATER, TURBIDITY],
    readings: [
      ...Array.from({ length: 30 }, (_, i) => ({ sensor: PH.id, ts: now - (30 - i) * 10_000, value: 7.1 })),
      { sensor: WATER.id, ts: now - 10 * 60_000, value: 12.5 },
      { sensor: PH.id, ts: now, value: 7.2 },
    ],
    status: { backlog: 2340, dropped: 0, clock_offset_ms: 3200, backlog_rate: 13, eta_s: 180 },
  });
  // pump-02 sent a batch, then went quiet: stamp its last contact 7 minutes ago, as a server
  // would have recorded it (meta.db is shared with the running server in WAL mode).
  await ingest(tokens['pump-02']!, {
    device: 'pump-02',
    readings: [{ sensor: 'pump.pressure', ts: now - 7 * 60_000, value: 2.1 }],
    status: { backlog: 0, dropped: 0, clock_offset_ms: 40 },
  });
  const meta = new Database(join(server.dataDir, 'meta.db'));
  meta.pragma('busy_timeout = 5000');
  meta
    .prepare('UPDATE devices SET last_seen = ?, status_at = ? WHERE id = ?')
    .run(now - 7 * 60_000, now - 7 * 60_000, 'pump-02');
  meta.close();

  browser = await rig.launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'es-CO' });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('Devices tab in Chromium against vigia-server', () => {
  it('shows a technician the backlog with its drain, the clock correction and the silent sensors', async () => {
    await signIn(page, 'tecnico', PASSWORD);
    expect(await page.locator('[data-route="devices"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('[data-route="devices"]').textContent()).toBe('Equipos');

    const card = page.locator('[data-device="plant-01"]');
    expect(await card.getAttribute('data-contact')).toBe('ok');
    expect(await card.locator('[data-field="last-seen"]').textContent()).toMatch(/hace \d+ s \(\d\d:\d\d:\d\d\)/);
    expect(await card.locator('[data-field="backlog"]').textContent()).toContain(
      `2${NBSP}340 lecturas en cola — se vacía en ~3 min`,
    );
    expect(await card.locator('[data-field="backlog"]').textContent()).toContain('Enviando 13 lecturas/s');
    expect(await card.locator('[data-field="dropped"]').textContent()).toContain('Ninguna lectura perdida');
    expect(await card.getAttribute('data-clock-corrected')).toBe('yes');
    expect(await card.locator('[data-field="clock"]').textContent()).toContain('Reloj corregido');
    expect(await card.locator('[data-field="clock"]').textContent()).toContain('3,2 s atrasado');
    expect(await card.getAttribute('data-silent')).toBe('2');
    const sensors = card.locator('[data-field="sensors"]');
    expect(await sensors.textContent()).toContain('2 de 3 sin datos');
    expect(await sensors.locator(`[data-silent-sensor="${WATER.id}"]`).textContent()).toMatch(
      /Agua de entrada — desde \d\d:\d\d:\d\d/,
    );
    expect(await sensors.locator(`[data-silent-sensor="${TURBIDITY.id}"]`).textContent()).toContain(
      'Turbiedad descarga — nunca ha enviado',
    );

    const never = page.locator('[data-device="tunnel-01"]');
    expect(await never.getAttribute('data-contact')).toBe('never');
    expect(await never.textContent()).toContain('NUNCA SE HA CONECTADO');
  });

  it('shows a device not heard from for minutes as without contact, unmistakably', async () => {
    const pump = page.locator('[data-device="pump-02"]');
    expect(await pump.getAttribute('data-contact')).toBe('stale');
    const banner = pump.locator('[data-banner="stale"]');
    expect(await banner.textContent()).toMatch(/SIN CONTACTO.*No llegan datos hace 7 min/);
    expect(await pump.locator('[data-field="last-seen"]').textContent()).toMatch(
      /hace 7 min( \d\d s)? \(\d\d:\d\d:\d\d\)/,
    );
    // The worst comes first: the device without contact is the first card.
    expect(await page.locator('[data-device]').first().getAttribute('data-device')).toBe('pump-02');
  });

  it('updates the card live when the edge reports dropped readings, and audits the drop', async () => {
    await page.evaluate('window.__notReloaded = true');
    const from = Date.now() - 40 * 60_000;
    const to = from + 20 * 60_000;
    await ingest(tokens['plant-01']!, {
      device: 'plant-01',
      readings: [{ sensor: PH.id, ts: Date.now(), value: 7.3 }],
      status: {
        backlog: 50_000,
        dropped: 1200,
        dropped_from: from,
        dropped_to: to,
        clock_offset_ms: 3200,
        backlog_rate: 400,
        eta_s: 125,
      },
    });
    const card = page.locator('[data-device="plant-01"]');
    await expect.poll(() => card.getAttribute('data-dropped'), { timeout: 10_000 }).toBe('1200');
    expect(await page.evaluate('window.__notReloaded')).toBe(true);
    const dropped = await card.locator('[data-field="dropped"]').textContent();
    expect(dropped).toContain(`1${NBSP}200 lecturas perdidas`);
    expect(dropped).toMatch(/Se perdió el periodo \d\d\/\d\d\/\d{4}, de \d\d:\d\d:\d\d a \d\d:\d\d:\d\d \(20 min\)/);
    expect(await card.locator('[data-field="backlog"]').textContent()).toContain(
      `50${NBSP}000 lecturas en cola — se vacía en ~3 min`,
    );
    await screenshot(page, shotDir, 'devices-1280x800.png');

    // The server noticed the drop: an audit entry (admin) and a warning in its log.
    const login = await fetch(`${baseUrl}/api/v1/login`, {
      method: 'POST',
      headers: { origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'jefa', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await fetch(`${baseUrl}/api/v1/audit?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entries: { actor: string; action: string; detail: unknown }[] };
    const drops = body.entries.filter((e) => e.action === 'device_dropped_readings');
    expect(drops).toEqual([
      expect.objectContaining({
        actor: 'device:plant-01',
        detail: { device: 'plant-01', site: 'mobile-plant', count: 1200, dropped_total: 1200, from, to },
      }),
    ]);
    expect(server!.log()).toContain('readings dropped on device plant-01: 1200 between');
  });

  it('reads in English too', async () => {
    await page.getByRole('button', { name: 'Cambiar idioma a inglés' }).click();
    const card = page.locator('[data-device="plant-01"]');
    await expect
      .poll(() => card.locator('[data-field="dropped"]').textContent())
      .toContain('1 200 readings dropped'.replace(' ', NBSP));
    expect(await card.locator('[data-field="clock"]').textContent()).toContain('Clock corrected');
    expect(await page.locator('[data-device="pump-02"]').textContent()).toContain('NO CONTACT');
    await page.getByRole('button', { name: 'Switch language to Spanish' }).click();
    await expect.poll(() => card.locator('[data-field="clock"]').textContent()).toContain('Reloj corregido');
  });

  it('fits a 360 px phone: no sideways scrolling, big words', async () => {
    const phone = await browser!.newPage({ viewport: { width: 360, height: 740 }, locale: 'es-CO' });
    try {
      await signIn(phone, 'tecnico', PASSWORD);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      const fontPx = Number.parseFloat(
        await phone.evaluate(
          `getComputedStyle(document.querySelector('[data-device="plant-01"] [data-field="backlog"] .device__main')).fontSize`,
        ),
      );
      expect(fontPx).toBeGreaterThanOrEqual(18);
      await screenshot(phone, shotDir, 'devices-360x740.png');
      await phone.screenshot({ path: join(shotDir, 'devices-360x740-viewport.png') });
    } finally {
      await phone.close();
    }
  });
});
