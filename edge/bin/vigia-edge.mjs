#!/usr/bin/env node
// vigia-edge --config edge.yaml — the edge agent.
// Runs the bundle `dist/vigia-edge.mjs` (`pnpm --filter @vigia/edge build`: plain JS, what a Pi
// runs) when it exists and is newer than every file in edge/src and shared/src; otherwise the
// TypeScript sources through tsx, so development needs no build step and a stale bundle is
// never run. A deployment without the source folders always runs the bundle.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const edge = join(import.meta.dirname, '..');
const bundle = join(edge, 'dist', 'vigia-edge.mjs');

/** Newest modification time (ms) of the files under `dir`; 0 if it does not exist. */
function newest(dir) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

function bundleIsFresh() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return built >= Math.max(newest(join(edge, 'src')), newest(join(edge, '..', 'shared', 'src')));
}

if (bundleIsFresh()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
