/**
 * The dashboard's first-load budget: at most 100 KB of gzipped JavaScript in what index.html
 * loads (its module script and any modulepreload), measured on a production build made here
 * into a temp folder (dashboard/dist, which the other browser tests share, is built under
 * vitest with NODE_ENV=test, which Vite keeps: a larger, not-production bundle). The pages
 * loaded later (permits, users) are chunks, not part of it. The shared wire schemas the
 * dashboard parses every answer with (zod) count here, so a schema library or a page that grows
 * the first load past the budget fails this test.
 * The page on the Pi has its own budget (60 KB), checked in pi-page.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/process.ts';

const DASHBOARD = join(REPO, 'dashboard');
const BUDGET_BYTES = 100 * 1024;
let out = '';

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'vigia-first-load-'));
  const vite = join(DASHBOARD, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: DASHBOARD,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'pipe',
    timeout: 120_000,
  });
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the dashboard production build', () => {
  it('first load is at most 100 KB of gzipped JavaScript', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const js = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(js.length, 'index.html loads at least one script').toBeGreaterThan(0);
    const total = js.reduce((n, f) => n + gzipSync(readFileSync(join(out, f))).length, 0);
    expect(total, `${total} bytes gzipped in ${js.join(', ')}`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
