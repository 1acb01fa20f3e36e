/**
 * @module test/support/browser-rig
 * What each dashboard browser test starts from: Chromium present, the dashboard built, a
 * vigia-server in a new temp folder (not started: add its accounts, then `server.start()`)
 * and a screenshot folder. `close()` ends the browser and the server and removes the folder.
 * `stackRig`: the same for the tests that run the whole stack (test/support/stack.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium, screenshotDir } from './chromium.ts';
import { ensureDashboardBuilt } from './dashboard-build.ts';
import { type ServerProcess, serverProcess } from './server.ts';
import type { Stack } from './stack.ts';

export type BrowserRig = {
  server: ServerProcess;
  shotDir: string;
  /** Launch Chromium; `close()` closes it. */
  launch(): Promise<Browser>;
  close(): Promise<void>;
};

/** `name` marks the temp folder: vigia-<name>-XXXXXX; `env`: more VIGIA_* settings for the server. */
export async function browserRig(name: string, env: Record<string, string> = {}): Promise<BrowserRig> {
  requireChromium();
  await ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), `vigia-${name}-`));
  const server = await serverProcess(dir, env);
  let browser: Browser | undefined;
  return {
    server,
    shotDir: screenshotDir(),
    launch: async () => {
      browser = await launchChromium();
      return browser;
    },
    close: async () => {
      await browser?.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type StackRig = { dir: string; stack: Stack; browser: Browser; close(): Promise<void> };

/**
 * Chromium present, `build` done (the dashboard or the page on the Pi), a temp folder
 * vigia-<name>-XXXXXX, the stack `start(dir)` answers, and Chromium launched. `close()` ends
 * the browser and the stack and removes the folder (as does a failure on the way).
 */
export async function stackRig(
  name: string,
  build: () => Promise<void>,
  start: (dir: string) => Promise<Stack>,
): Promise<StackRig> {
  requireChromium();
  await build();
  const dir = mkdtempSync(join(tmpdir(), `vigia-${name}-`));
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    stack = await start(dir);
    browser = await launchChromium();
    return { dir, stack, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Signs in through the dashboard's login form (Spanish labels) at `url`, then waits for
 * `ready`, the marker of the page that opens.
 */
export async function signInThroughForm(
  page: Page,
  url: string,
  user: string,
  password: string,
  ready = 'body[data-ready="1"]',
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Usuario').fill(user);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.locator(ready).waitFor({ timeout: 15_000 });
}
