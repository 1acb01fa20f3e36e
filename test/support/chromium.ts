/**
 * @module test/support/chromium
 * Debian's Chromium driven by playwright-core, for the browser tests. Never installs
 * browsers; fails (never skips) when Chromium is missing. Screenshots go to a folder that is
 * printed in the log ($VIGIA_SHOT_DIR, or a new temp folder).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { requireCommand } from '../services/util.ts';

export const CHROMIUM = '/usr/bin/chromium';
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

/** Throws, naming the Debian package, when Chromium is not installed. */
export function requireChromium(): void {
  requireCommand(CHROMIUM, 'chromium');
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Where this run's screenshots go: $VIGIA_SHOT_DIR, or a new temp folder. */
export function screenshotDir(): string {
  const dir = process.env.VIGIA_SHOT_DIR ?? mkdtempSync(join(tmpdir(), 'vigia-shots-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A full-page screenshot `dir/name`; logs and answers its path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}
