/**
 * Browser test: the permits page and the breaches page as an officer. A blank permit refused
 * with the shared schema's messages in Spanish, then in English, then saved with two rules (the
 * sensor pick offers only the site's sensors of the rule's quantity and unit); each rule shows
 * its source and its state now; an edit becomes version 2, and the history says who changed
 * what; the breaches page's filters live in the address (a new tab with the link shows the same
 * view); the tab's badge counts the unacknowledged breaches on every page and follows an
 * acknowledgement. Real vigia-server process, real Debian Chromium (playwright-core).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, browserRig, signInThroughForm } from '../support/browser-rig.ts';
import { screenshot } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';

const OFFICER = { user: 'maria', role: 'officer', password: 'oficial-seguro-2026' };
const PH = { id: 'plant.ph', name: 'pH descarga', quantity: 'ph', unit: 'pH' };
const PH_IN = { id: 'plant.ph_in', name: 'pH entrada', quantity: 'ph', unit: 'pH' };
const TEMP = { id: 'plant.temp', name: 'Temperatura', quantity: 'temperature', unit: 'degC' };
const DAY = 86_400_000;

let rig: BrowserRig | undefined;
let browser: Browser | undefined;
let baseUrl = '';
let shotDir = '';
let token = '';

async function page(): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
  return context.newPage();
}

const send = async (readings: { sensor: string; value: number }[]) => {
  const now = Date.now();
  const res = await postIngest(baseUrl, token, {
    device: 'plant-01',
    sensors: [PH, PH_IN, TEMP],
    readings: readings.map((r, i) => ({ ...r, ts: now - 1000 + i })),
  });
  expect(res.status, res.text).toBe(200);
};

/** The breaches the server lists as unacknowledged, as the officer `p` sees them. */
async function unacked(p: Page): Promise<{ id: number; sensor: string }[]> {
  const r = await p.request.get(`${baseUrl}/api/v1/breaches?from=0&to=${Date.now() + DAY}&acknowledged=false`);
  return ((await r.json()) as { breaches: { id: number; sensor: string }[] }).breaches;
}

beforeAll(async () => {
  rig = await browserRig('permits');
  ({ shotDir } = rig);
  baseUrl = rig.server.url;
  token = await rig.server.addDevice('plant-01', 'mobile-plant');
  await rig.server.addUser(OFFICER);
  await rig.server.start();
  await send([
    { sensor: PH.id, value: 7.2 },
    { sensor: PH_IN.id, value: 7.0 },
    { sensor: TEMP.id, value: 25 },
  ]);
  browser = await rig.launch();
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('permits page', () => {
  let p: Page;

  it('a blank permit is refused in words (Spanish, then English), then saved; each rule shows its source and state', async () => {
    p = await page();
    await signInThroughForm(p, `${baseUrl}/`, OFFICER.user, OFFICER.password);
    await p.locator('[data-route="permits"]').click();
    await p.locator('button[data-action="new-blank"]').click();
    const form = p.locator('form.permit-new[data-mode="blank"]');
    await form.waitFor();
    await p.locator('#permit-id').fill('vertimiento');
    await p.locator('#permit-title').fill('Vertimientos planta');
    await form.locator('button[data-action="save"]').click();
    const issues = form.locator('[role="alert"][data-issues]');
    await issues.waitFor();
    const es = await issues.textContent();
    expect(es).toContain('Regla n.º 1, identificador: está vacío');
    expect(es).toContain('Regla n.º 1, límite máximo: falta');
    expect(es).toContain('Regla n.º 1, promedio');
    await p.getByRole('button', { name: 'Cambiar idioma a inglés' }).click();
    await form.locator('button[data-action="save"]').click();
    await expect.poll(() => issues.textContent()).toContain('Rule no. 1, id: is empty');
    expect(await issues.textContent()).toContain('Rule no. 1, maximum: is missing');
    await p.getByRole('button', { name: 'Switch language to Spanish' }).click();

    const rule1 = form.locator('fieldset.permit-new__rule').nth(0);
    await rule1.locator('input[name^="id-"]').fill('ph-max');
    await rule1.locator('select[name^="measure-"]').selectOption('ph|pH');
    // Only the site's pH sensors are offered to a pH rule.
    const offered = await rule1.locator('select[name^="sensor-"] option').allTextContents();
    expect(offered.filter((o) => o.includes('plant.'))).toEqual([
      `${PH.name} (${PH.id})`,
      `${PH_IN.name} (${PH_IN.id})`,
    ]);
    await rule1.locator('select[name^="sensor-"]').selectOption(PH.id);
    await rule1.locator('input[name^="max-"]').fill('9');
    await rule1.locator('input[name^="averaging-"]').fill('instant');
    await rule1.locator('input[name^="source-"]').fill('Res. CAR 0456 de 2024, Art. 3');
    await form.locator('button[data-action="add-rule"]').click();
    const rule2 = form.locator('fieldset.permit-new__rule').nth(1);
    await rule2.locator('input[name^="id-"]').fill('temp');
    await rule2.locator('select[name^="measure-"]').selectOption('temperature|degC');
    await rule2.locator('select[name^="sensor-"]').selectOption(TEMP.id);
    await rule2.locator('input[name^="max-"]').fill('40');
    await rule2.locator('input[name^="averaging-"]').fill('instant');
    await form.locator('button[data-action="save"]').click();
    await p.locator('[role="status"][data-saved="vertimiento"]').waitFor({ timeout: 10_000 });

    const card = p.locator('section[data-permit="vertimiento"]');
    await card.waitFor();
    expect(await card.locator('li[data-rule="ph-max"] .permit__source').textContent()).toBe(
      'Res. CAR 0456 de 2024, Art. 3',
    );
    // Live state: new readings, then within the limit for pH and in breach for the temperature.
    await send([
      { sensor: PH.id, value: 7.3 },
      { sensor: TEMP.id, value: 45 },
    ]);
    const state = (rule: string) =>
      card.locator(`li[data-rule="${rule}"] [data-rule-state]`).getAttribute('data-rule-state');
    await expect.poll(() => state('ph-max'), { timeout: 30_000 }).toBe('ok');
    await expect.poll(() => state('temp'), { timeout: 30_000 }).toBe('breach');
    expect(await card.locator('li[data-rule="temp"] [data-rule-state]').textContent()).toBe('En incumplimiento');
    await screenshot(p, shotDir, 'permits-states-1280x900.png');
  }, 120_000);

  it('an edit becomes version 2; a stale edit is refused in words, keeping the draft; the history says who changed what', async () => {
    const card = p.locator('section[data-permit="vertimiento"]');
    await card.locator('button[data-action="edit"]').click();
    const form = p.locator('form.permit-new[data-mode="edit"][data-permit="vertimiento"]');
    await form.waitFor();
    expect(await p.locator('#permit-id').getAttribute('readonly')).not.toBeNull();
    const rule1 = form.locator('fieldset.permit-new__rule').nth(0);
    expect(await rule1.locator('input[name^="max-"]').inputValue()).toBe('9');
    await rule1.locator('input[name^="max-"]').fill('8,5');
    await form.locator('button[data-action="save"]').click();
    await p.locator('[role="status"][data-saved="vertimiento"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => card.locator('.message').first().textContent()).toMatch(/Versión 2, cambiada por maria/);

    // Someone else saves version 3 while this edit (of version 2) is open: the save is refused in
    // words and the form keeps what was typed.
    await card.locator('button[data-action="edit"]').click();
    await form.waitFor();
    await rule1.locator('input[name^="max-"]').fill('8');
    const current = (await (await p.request.get(`${baseUrl}/api/v1/permits`)).json()) as { permits: { id: string }[] };
    const {
      version: _v,
      updated_at: _a,
      updated_by: _b,
      effective_from: _e,
      ...stored
    } = current.permits.find((x) => x.id === 'vertimiento') as Record<string, unknown>;
    const other = await p.request.put(`${baseUrl}/api/v1/permits`, {
      headers: { origin: baseUrl },
      data: { permits: [{ ...stored, title: 'Vertimientos planta (revisado)' }] },
    });
    expect(other.status()).toBe(200);
    await form.locator('button[data-action="save"]').click();
    const refused = form.locator('[role="alert"]', { hasText: 'versión más nueva' });
    await refused.waitFor({ timeout: 10_000 });
    expect(await rule1.locator('input[name^="max-"]').inputValue()).toBe('8');
    await form.locator('button[data-action="cancel"]').click();
    await expect.poll(() => card.locator('.message').first().textContent()).toMatch(/Versión 3/);

    await card.locator('details.permit__history summary').click();
    const v3 = card.locator('li[data-version="3"]');
    await v3.waitFor({ timeout: 10_000 });
    expect(await v3.textContent()).toMatch(/cambió título/);
    const v2 = card.locator('li[data-version="2"]');
    await v2.waitFor({ timeout: 10_000 });
    expect(await v2.textContent()).toMatch(/maria.*cambió en la regla ph-max: límite máximo/);
    expect(await card.locator('li[data-version="1"]').textContent()).toMatch(
      /creó el permiso con las reglas ph-max, temp/,
    );
    await screenshot(p, shotDir, 'permits-history-1280x900.png');
  }, 60_000);

  it('breaches: the filters are in the address and a link reproduces the view; the badge follows acknowledgements', async () => {
    // A pH breach too (8.5 is the limit now), so the filters have something to tell apart.
    await send([{ sensor: PH.id, value: 9.2 }]);
    await expect.poll(async () => (await unacked(p)).length, { timeout: 30_000 }).toBe(2);
    // The badge is on every page: here, the live page.
    await p.locator('[data-route="live"]').click();
    await expect.poll(() => p.locator('.tabs__badge').getAttribute('data-unacked'), { timeout: 30_000 }).toBe('2');

    await p.locator('[data-route="breaches"]').click();
    await p.locator('article.breach').first().waitFor({ timeout: 10_000 });
    expect(await p.locator('article.breach').count()).toBe(2);
    await p.locator('select[name="filter-sensor"]').selectOption(TEMP.id);
    await p.locator('input[name="filter-unacked"]').check();
    await expect.poll(() => p.url()).toMatch(/#\/breaches\?.*unacked=1.*sensor=plant\.temp/);
    await expect.poll(() => p.locator('article.breach').count()).toBe(1);
    expect(await p.locator('article.breach').getAttribute('data-breach')).toBe(
      String((await unacked(p)).find((b) => b.sensor === TEMP.id)!.id),
    );

    // The same link in a new tab shows the same view.
    const other = await p.context().newPage();
    await other.goto(p.url());
    await other.locator('article.breach').first().waitFor({ timeout: 15_000 });
    expect(await other.locator('select[name="filter-sensor"]').inputValue()).toBe(TEMP.id);
    expect(await other.locator('input[name="filter-unacked"]').isChecked()).toBe(true);
    expect(await other.locator('article.breach').count()).toBe(1);
    await screenshot(other, shotDir, 'breaches-filtered-1280x900.png');

    // Acknowledge it: the filtered list empties and the badge counts one less, on both tabs.
    await other.locator('article.breach button', { hasText: 'Acusar recibo' }).click();
    await other.locator('article.breach textarea').fill('Revisado el intercambiador');
    await other.locator('article.breach button', { hasText: 'Guardar acuse' }).click();
    await expect.poll(() => p.locator('.tabs__badge').getAttribute('data-unacked'), { timeout: 20_000 }).toBe('1');
    await expect
      .poll(() => p.locator('[data-breaches="0"]').textContent(), { timeout: 20_000 })
      .toContain('con estos filtros');
    await other.close();

    // The remaining card links to its rule on the permits page, anchored and marked.
    await p.locator('button[data-action="clear-filters"]').click();
    await expect.poll(() => p.url()).toMatch(/#\/breaches$/);
    const ph = p.locator('article.breach', { hasText: PH.name });
    await ph.locator('a[data-link="rule"]').click();
    await p.locator('li.permit__rule--target[data-rule="ph-max"]').waitFor({ timeout: 10_000 });
    expect(p.url()).toContain('#/permits/vertimiento/ph-max');
  }, 120_000);
});
