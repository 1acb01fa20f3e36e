/**
 * The dashboard's first-load budget: the JavaScript index.html loads (its module script and any
 * modulepreload) is at most 100 KB gzipped, what an operator's cheap phone pays on a poor link.
 * It holds the shared wire schemas (zod) every answer is parsed with; uPlot is not in it (the
 * chart is a chunk loaded after the tiles, components/lazy-chart.tsx), nor are the officer and
 * admin pages (permits, users, notifications), fetched only when opened. Reads the real
 * production build (test/support/dashboard-build.ts). The page on the Pi has its own budget
 * (60 KB), checked in pi-page.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../support/dashboard-build.ts';
import { REPO } from '../support/process.ts';

const DIST = join(REPO, 'dashboard', 'dist');
const BUDGET_BYTES = 100 * 1024;

beforeAll(async () => {
  await ensureDashboardBuilt();
}, 180_000);

describe('dashboard build', () => {
  it('first load is at most 100 KB of gzipped JavaScript, without uPlot; the officer/admin pages are separate chunks', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const firstLoad = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(firstLoad.length).toBeGreaterThan(0);
    const texts = firstLoad.map((f) => readFileSync(join(DIST, f)));
    const gz = texts.reduce((n, t) => n + gzipSync(t).length, 0);
    console.log(`dashboard first load: ${firstLoad.join(', ')} = ${gz} bytes gzipped`);
    expect(gz, `${gz} bytes gzipped`).toBeLessThanOrEqual(BUDGET_BYTES);
    // uPlot's own class names appear only in its chunk.
    for (const t of texts) expect(t.toString('utf8')).not.toContain('u-legend');
    const chunks = readdirSync(join(DIST, 'assets'));
    for (const page of ['permits-page', 'users-page', 'notifications-page']) {
      const chunk = chunks.find((f) => f.startsWith(page) && f.endsWith('.js'));
      expect(chunk, `${page} is its own chunk`).toBeDefined();
      expect(firstLoad).not.toContain(`assets/${chunk}`);
    }
  });
});
