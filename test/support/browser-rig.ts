/**
 * @module test/support/browser-rig
 * What each dashboard browser test starts from: Chromium present, the dashboard built, a
 * vigia-server in a new temp folder (not started: add its accounts, then `server.start()`)
 * and a screenshot folder. `close()` ends the browser and the server and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium, screenshotDir } from './chromium.ts';
import { ensureDashboardBuilt } from './dashboard-build.ts';
import { type ServerProcess, serverProcess } from './server.ts';

export type BrowserRig = {
  server: ServerProcess;
  shotDir: string;
  /** Launch Chromium; `close()` closes it. */
  launch(): Promise<Browser>;
  close(): Promise<void>;
};

/** `name` marks the temp folder: vigia-<name>-XXXXXX. */
export async function browserRig(name: string): Promise<BrowserRig> {
  requireChromium();
  await ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), `vigia-${name}-`));
  const server = await serverProcess(dir);
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
