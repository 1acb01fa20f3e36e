#!/usr/bin/env node
/**
 * `pnpm --filter @vigia/edge build`: bundles the agent for deployment into one plain-JS file,
 * `edge/dist/vigia-edge.mjs` (gitignored). Our code and @vigia/shared are bundled; every npm
 * dependency of edge stays external (native modules, and packages that load files at run time),
 * so the Pi needs edge's `node_modules` next to it. Why bundle: the agent then runs without
 * tsx and its TypeScript transform in memory (about 30 MB of RSS less, see edge/README.md).
 * The bin runs the bundle only while it is newer than every file in edge/src and shared/src.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const EDGE = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(EDGE, 'dist', 'vigia-edge.mjs');

/** Builds the bundle; resolves with its path. */
export async function buildEdge() {
  const pkg = JSON.parse(readFileSync(join(EDGE, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies).filter((name) => name !== '@vigia/shared');
  await build({
    entryPoints: [join(EDGE, 'src', 'main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  });
  return BUNDLE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildEdge();
