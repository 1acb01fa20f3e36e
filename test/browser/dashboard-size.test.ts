/**
 * The dashboard's first-load budget: the JavaScript index.html loads (its module script and any
 * modulepreload) is at most 100 KB gzipped, what an operator's cheap phone pays on a poor link.
 * The officer and admin pages (permits, users) are their own chunks, fetched only when opened,
 * so they are not part of it. Reads the real build (test/support/dashboard-build.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../support/dashboard-build.ts';
import { REPO } from '../support/process.ts';

const DIST = join(REPO, 'dashboard', 'dist');

beforeAll(async () => {
  await ensureDashboardBuilt();
}, 180_000);

describe('dashboard build', () => {
  it('first load is at most 100 KB of gzipped JavaScript; the officer/admin pages are separate chunks', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const firstLoad = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(firstLoad.length).toBeGreaterThan(0);
    const gz = firstLoad.reduce((n, f) => n + gzipSync(readFileSync(join(DIST, f))).length, 0);
    console.log(`dashboard first load: ${firstLoad.join(', ')} = ${gz} bytes gzipped`);
    expect(gz, `${gz} bytes gzipped`).toBeLessThanOrEqual(100 * 1024);
    const chunks = readdirSync(join(DIST, 'assets'));
    for (const page of ['permits-page', 'users-page']) {
      const chunk = chunks.find((f) => f.startsWith(page) && f.endsWith('.js'));
      expect(chunk, `${page} is its own chunk`).toBeDefined();
      expect(firstLoad).not.toContain(`assets/${chunk}`);
    }
  });
});
