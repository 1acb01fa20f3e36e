/**
 * The dashboard's first-load budget (issue 15): what index.html loads — its module script and
 * any modulepreload — is at most 100 KB of gzipped JavaScript, and uPlot is not part of it (the
 * chart is a chunk loaded after the tiles, components/lazy-chart.tsx). Reads the real build.
 */
import { readFileSync } from 'node:fs';
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

describe('dashboard first load', () => {
  it('is at most 100 KB of gzipped JavaScript, without uPlot', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const js = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(js.length).toBeGreaterThan(0);
    const texts = js.map((f) => readFileSync(join(DIST, f)));
    const total = texts.reduce((n, t) => n + gzipSync(t).length, 0);
    console.log(`dashboard first load: ${js.join(', ')} = ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(total, `${total} bytes gzipped`).toBeLessThanOrEqual(BUDGET_BYTES);
    // uPlot's own class names appear only in its chunk.
    for (const t of texts) expect(t.toString('utf8')).not.toContain('u-legend');
  });
});
