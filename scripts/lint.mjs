#!/usr/bin/env node
// Lint, import rules and type check for the whole tree; part of `npm test`.
// One formatter/linter (Biome), one import-rule checker (dependency-cruiser), tsc per part.
import { spawnSync } from 'node:child_process';

const PARTS = ['shared', 'edge', 'server', 'dashboard', 'firmware-config', 'test'];
const steps = [
  ['biome', ['check', '.']],
  ['depcruise', ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...PARTS.slice(0, 5)]],
  ...PARTS.map((p) => ['tsc', ['-p', `${p}/tsconfig.json`]]),
];

let failed = 0;
for (const [bin, args] of steps) {
  const r = spawnSync('pnpm', ['exec', bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`lint: "${bin} ${args.join(' ')}" failed (exit ${r.status})`);
  }
}
if (failed) {
  console.error(`lint: ${failed} check(s) failed; fix them, or run "pnpm exec biome check --write ." for formatting`);
  process.exit(1);
}
console.log('lint: biome, import rules and type checks passed');
