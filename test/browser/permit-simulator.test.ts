/**
 * Browser test, end to end: an officer sets up the discharge permit from the Res. 0631 gold
 * template with the site's own pH range, previews a month of the plant simulator's history (its
 * model, with one acidic episode ten days ago: one breach, nothing stored), saves; then the
 * simulator process starts, its scripted episode takes pH below 6 about 24 s later, and the
 * breach reaches the officer's breaches page (simulator → MQTT → vigia-edge → vigia-server →
 * engine → live stream → Chromium), with the badge on the tab and the card's link to the rule.
 * Every part is a real process (test/support/stack.ts); real Debian Chromium.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOMBIA_UTC_OFFSET_MIN, dischargePh, EPISODE } from '../simulator/model.ts';
import { type StackRig, signInThroughForm, stackRig } from '../support/browser-rig.ts';
import { screenshot, screenshotDir } from '../support/chromium.ts';
import { postIngest } from '../support/client.ts';
import { ensureDashboardBuilt } from '../support/dashboard-build.ts';
import { runNode } from '../support/process.ts';
import { SERVER_BIN, startStack } from '../support/stack.ts';

const OFFICER = { user: 'maria', password: 'oficial-seguro-2026' };
const PH = { id: 'plant.discharge_ph', name: 'pH del vertimiento', quantity: 'ph', unit: 'pH' };
const TURBIDITY = {
  id: 'plant.discharge_turbidity',
  name: 'Turbiedad del vertimiento',
  quantity: 'turbidity',
  unit: 'NTU',
};
const DAY = 86_400_000;

let rig: StackRig | undefined;

/** A month of the simulator model's pH: every 15 min, and every 5 s through an episode 10 days ago. */
function monthOfHistory(now: number): { sensor: string; ts: number; value: number }[] {
  const episodeStart = now - 10 * DAY;
  const opts = { seed: 1, startMs: episodeStart, utcOffsetMin: COLOMBIA_UTC_OFFSET_MIN };
  const times = new Set<number>();
  for (let ts = now - 30 * DAY; ts < now - 120_000; ts += 15 * 60_000) times.add(ts);
  for (let ts = episodeStart; ts < episodeStart + EPISODE.phDip.endMs + 30_000; ts += 5_000) times.add(ts);
  return [...times]
    .sort((a, b) => a - b)
    .map((ts) => ({ sensor: PH.id, ts, value: Math.round(dischargePh(opts, ts) * 100) / 100 }));
}

beforeAll(async () => {
  // The simulator waits: its episode must come after the permit is saved.
  rig = await stackRig('permit-sim', ensureDashboardBuilt, (dir) =>
    startStack({ dir, server: false, simulator: false }),
  );
  const { dir, stack } = rig;
  const user = await runNode(
    SERVER_BIN,
    ['user', 'add', OFFICER.user, '--role', 'officer', '--all-sites', '--password-stdin'],
    { env: { VIGIA_DATA_DIR: join(dir, 'server-data') }, input: `${OFFICER.password}\n` },
  );
  expect(user.code, user.stderr).toBe(0);
  await stack.startServer();
  const readings = monthOfHistory(Date.now());
  for (let i = 0; i < readings.length; i += 1000) {
    const res = await postIngest(stack.serverUrl, stack.token, {
      device: 'plant-01',
      sensors: [PH, TURBIDITY],
      readings: readings.slice(i, i + 1000),
    });
    expect(res.status, res.text).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

describe('permit from a template, end to end with the plant simulator', () => {
  it('officer: template with the site values, a month previewed, saved; the simulator crosses the limit and the breach appears', async () => {
    const s = rig!.stack;
    const context = await rig!.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
    const p = await context.newPage();
    await signInThroughForm(p, `${s.serverUrl}/`, OFFICER.user, OFFICER.password);
    await p.locator('[data-route="permits"]').click();
    await p.locator('button[data-action="new-template"]').click();
    await p.locator('#permit-template').selectOption('co-res0631-2015-gold-mining');
    const rule = p.locator('fieldset[data-rule="ph"]');
    expect(await rule.locator('.permit__source').textContent()).toMatch(/0631.*Art\. 10/);
    // Only the pH sensor is offered for the pH rule (not the turbidity one of the same site).
    const options = await rule.locator('select[name="sensor-ph"] option').allTextContents();
    expect(options.filter((o) => o.includes('plant.'))).toEqual([`${PH.name} (${PH.id})`]);

    await p.locator('#permit-id').fill('vertimiento-oro');
    // A template rule opens once given a sensor; the regulation gives no general pH number, so
    // both limits start empty.
    expect(await rule.locator('input[name="min-ph"]').count()).toBe(0);
    await rule.locator('select[name="sensor-ph"]').selectOption(PH.id);
    expect(await rule.locator('input[name="min-ph"]').inputValue()).toBe('');
    expect(await rule.locator('input[name="max-ph"]').inputValue()).toBe('');
    await rule.locator('input[name="min-ph"]').fill('6');
    await rule.locator('input[name="max-ph"]').fill('9');
    await rule.locator('input[name="averaging-ph"]').fill('instant');
    await p.locator('button[data-action="preview"]').click();
    const preview = p.locator('.permit-preview');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getAttribute('data-count')).toBe('1');
    // The would-be breach is drawn on the pH chart, hatched and named in the legend.
    const chart = preview.locator(`[data-preview-chart="${PH.id}"]`);
    await expect.poll(() => chart.locator('.chart').getAttribute('data-spans'), { timeout: 10_000 }).toBe('1');
    expect(await chart.locator('[data-legend="preview"]').count()).toBe(1);
    await screenshot(p, screenshotDir(), 'permit-simulator-preview-1280x900.png');
    const stored = await p.request.get(`${s.serverUrl}/api/v1/breaches?from=0&to=${Date.now() + DAY}`);
    expect(((await stored.json()) as { breaches: unknown[] }).breaches).toEqual([]);

    await p.locator('button[data-action="save"]').click();
    await p.locator('[role="status"][data-saved="vertimiento-oro"]').waitFor({ timeout: 10_000 });
    await p.locator('section[data-permit="vertimiento-oro"] li[data-rule="ph"]').waitFor();

    // The plant: the simulator starts now; pH goes below 6 about 24 s later.
    s.startSimulator();
    await p.locator('[data-route="breaches"]').click();
    const card = p.locator('article.breach').first();
    await card.waitFor({ timeout: 120_000 });
    expect(await card.locator('.breach__source').textContent()).toMatch(/0631/);
    // The tab's badge counts what the server lists as unacknowledged (the dip may cross 6 more than once).
    const unacked = async () => {
      const r = await p.request.get(`${s.serverUrl}/api/v1/breaches?from=0&to=${Date.now() + DAY}&acknowledged=false`);
      return ((await r.json()) as { breaches: unknown[] }).breaches.length;
    };
    await expect
      .poll(async () => [await p.locator('.tabs__badge').getAttribute('data-unacked'), String(await unacked())], {
        timeout: 70_000,
      })
      .toEqual([expect.stringMatching(/^[1-9]/), expect.stringMatching(/^[1-9]/)]);
    await expect
      .poll(async () => (await p.locator('.tabs__badge').getAttribute('data-unacked')) === String(await unacked()), {
        timeout: 30_000,
      })
      .toBe(true);
    await screenshot(p, screenshotDir(), 'permit-simulator-breach-1280x900.png');
    // The card links to its rule on the permits page.
    await card.locator('a[data-link="rule"]').click();
    await p.locator('li.permit__rule--target[data-rule="ph"]').waitFor({ timeout: 10_000 });
    expect(p.url()).toContain('#/permits/vertimiento-oro/ph');
    await context.close();
  }, 240_000);
});
