/**
 * Browser test: the compliance report printed to PDF. A real vigia-server process gets a
 * permit (PUT /api/v1/permits), a day of pH readings with one excursion and a data gap, finds
 * the breach itself, and an officer acknowledges it. Real Debian Chromium opens the report page
 * with the session cookie and prints it to A4; poppler's pdftotext reads the PDF back. Fails
 * (never skips) when Chromium or pdftotext is missing. Page 1 is kept as a PNG (path logged).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCommand } from '../services/util.ts';
import { launchChromium, requireChromium } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';
import { type ServerOnly, startServerOnly } from '../support/server.ts';
import { DEMO_USER } from '../support/stack.ts';

const MIN = 60_000;
/** 2025-11-24 00:00 in Bogotá (UTC−5). */
const DAY = Date.UTC(2025, 10, 24, 5);
const at = (m: number) => DAY + m * MIN;
const SOURCE = 'Res. 0631/2015, Art. 10; Res. CAR 0456 de 2024';
const NOTE = 'Se ajustó la dosificación de cal; pH normal a las 10:05';
const SENSORS = [{ id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' }];

let dir = '';
let server: ServerOnly | undefined;
let browser: Browser | undefined;
let cookie = '';
const PNG_DIR = join(tmpdir(), 'vigia-report-pdf');

async function ingest(readings: object[]) {
  const res = await postIngest(server!.url, server!.token, { device: server!.device, sensors: SENSORS, readings });
  expect(res.status, res.text).toBe(200);
}

async function api(path: string, init: RequestInit = {}) {
  const headers = { cookie, origin: server!.url, 'content-type': 'application/json', ...init.headers };
  const res = await fetch(`${server!.url}${path}`, { ...init, headers });
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return JSON.parse(body);
}

/** Print the report page in `lang` to PDF; its text with whitespace runs made one space, and its page count. */
async function printReport(lang: 'es' | 'en'): Promise<{ text: string; pages: number; file: string }> {
  const context = await browser!.newContext();
  await context.addCookies([{ name: 'vigia_session', value: cookie.split('=')[1], url: server!.url }]);
  const page = await context.newPage();
  const res = await page.goto(
    `${server!.url}/api/v1/reports/compliance?from=2025-11-24&to=2025-11-25&format=html&lang=${lang}`,
  );
  expect(res?.status()).toBe(200);
  const file = join(dir, `report-${lang}.pdf`);
  writeFileSync(file, await page.pdf({ format: 'A4' }));
  await context.close();
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  const pages = (text.match(/\f/g) ?? []).length;
  return { text: text.replace(/\s+/g, ' '), pages, file };
}

beforeAll(async () => {
  requireChromium();
  requireCommand('pdftotext', 'poppler-utils');
  dir = mkdtempSync(join(tmpdir(), 'vigia-report-'));
  server = await startServerOnly(dir);
  const login = await fetch(`${server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: DEMO_USER.user, password: DEMO_USER.password }),
  });
  expect(login.status).toBe(200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  await ingest([{ sensor: 'plant.ph', ts: at(0), value: 7.2, q: 'good' }]);
  const rule = {
    id: 'ph',
    sensor: 'plant.ph',
    kind: 'range',
    min: 6,
    max: 9,
    averaging: 'instant',
    pending: '5m',
    clear: '1m',
    severity: 'breach',
    source: SOURCE,
  };
  await api('/api/v1/permits', {
    method: 'PUT',
    body: JSON.stringify({
      permits: [{ id: 'vertimiento-2025', title: 'Permiso de vertimientos', site: 'mobile-plant', rules: [rule] }],
    }),
  });
  // pH every 5 min, none 12:00–14:00 local, 9.8 from 09:15 to 09:55.
  const readings = [];
  for (let m = 5; m < 1440; m += 5)
    if (m < 720 || m >= 840)
      readings.push({ sensor: 'plant.ph', ts: at(m), value: m >= 555 && m < 600 ? 9.8 : 7.2, q: 'good' });
  await ingest(readings);
  const period = `from=${DAY}&to=${DAY + 1440 * MIN}`;
  let found: { id: number; end: number | null }[] = [];
  for (let i = 0; i < 300 && !found.some((b) => b.end !== null); i++) {
    found = (await api(`/api/v1/breaches?${period}`)).breaches;
    if (!found.some((b) => b.end !== null)) await new Promise((r) => setTimeout(r, 100));
  }
  expect(found).toHaveLength(1);
  await api(`/api/v1/breaches/${found[0].id}/ack`, { method: 'POST', body: JSON.stringify({ note: NOTE }) });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.proc.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compliance report printed to PDF in Chromium', () => {
  it('carries the source, the breach in Bogotá time, the acknowledgement and the availability (es)', async () => {
    const { text, pages, file } = await printReport('es');
    expect(text).toContain('Informe de cumplimiento ambiental');
    expect(text).toContain(SOURCE);
    expect(text).toContain('2025-11-24 09:15');
    expect(text).toContain('America/Bogota (UTC-05:00)');
    expect(text).toContain(NOTE);
    // 00:00–12:10 (the 11:55 reading holds 15 min) and 14:00–24:00: 22 h 10 min of 24 h.
    expect(text).toContain('92,4 %');
    expect(text).toContain('Disponibilidad de datos');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(4);
    execFileSync('mkdir', ['-p', PNG_DIR]);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(PNG_DIR, 'report-es')]);
    console.log(`report page 1: ${join(PNG_DIR, 'report-es-1.png')}`);
  });

  it('prints the same facts in English', async () => {
    const { text, pages } = await printReport('en');
    expect(text).toContain('Environmental compliance report');
    expect(text).toContain(SOURCE);
    expect(text).toContain('2025-11-24 09:15');
    expect(text).toContain(NOTE);
    expect(text).toContain('92.4 %');
    expect(text).toContain('Data availability');
    expect(text).not.toContain('Disponibilidad');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(4);
  });
});
