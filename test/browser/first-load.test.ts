/**
 * The dashboard's first-load budget: at most 100 KB of gzipped JavaScript in what index.html
 * loads (its module script and any modulepreload), measured on the real production build
 * (dashboard/dist). The pages loaded later (permits, users) are chunks, not part of it. The
 * shared wire schemas the dashboard parses every answer with (zod) count here, so a schema
 * library or a page that grows the first load past the budget fails this test.
 * The page on the Pi has its own budget (60 KB), checked in pi-page.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt } from '../support/dashboard-build.ts';
import { REPO } from '../support/process.ts';

const DIST = join(REPO, 'dashboard', 'dist');
const BUDGET_BYTES = 100 * 1024;

beforeAll(() => ensureDashboardBuilt(), 180_000);

describe('the dashboard build', () => {
  it('first load is at most 100 KB of gzipped JavaScript', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const js = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(js.length, 'index.html loads at least one script').toBeGreaterThan(0);
    const total = js.reduce((n, f) => n + gzipSync(readFileSync(join(DIST, f))).length, 0);
    expect(total, `${total} bytes gzipped in ${js.join(', ')}`).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
