#!/usr/bin/env node
// Lint, import rules and type check for the whole tree; part of `npm test`.
// One formatter/linter (Biome), one import-rule checker (dependency-cruiser), tsc per part,
// and a check that nothing in the repository points outside it (docs/design.md is the design).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

const PARTS = ['shared', 'edge', 'server', 'dashboard', 'firmware-config', 'test'];
const steps = [
  ['biome', ['check', '.']],
  ['depcruise', ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...PARTS.slice(0, 5)]],
  ...PARTS.map((p) => ['tsc', ['-p', `${p}/tsconfig.json`]]),
];

/**
 * Tracked files that point outside the repository, which a user who clones it does not have:
 * a relative path up to a `shared` folder that does not land on an existing file of the
 * repository (an import of shared/ from scripts/ is fine), or a name of the design brief that
 * lived beside it. pnpm-lock.yaml is skipped: its `link:` paths are relative to each package.
 */
function outsidePointers() {
  const root = resolve(import.meta.dirname, '..');
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  const found = [];
  for (const file of files) {
    const path = resolve(root, file);
    if (file === 'pnpm-lock.yaml' || !existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    if (text.includes('\0')) continue;
    const lineOf = (i) => text.slice(0, i).split('\n').length;
    for (const m of text.matchAll(/(?:\.\.\/)+shared\b[\w./-]*/g)) {
      const target = resolve(dirname(path), m[0]);
      if (!target.startsWith(root + sep) || !existsSync(target))
        found.push(`${file}:${lineOf(m.index)}: "${m[0]}" is outside the repository`);
    }
    for (const m of text.matchAll(/\b(?:DESIGN|STYLE|DEVELOPERS)\.md\b/g))
      found.push(`${file}:${lineOf(m.index)}: "${m[0]}" is not in the repository`);
  }
  return found;
}

let failed = 0;
const outside = outsidePointers();
if (outside.length) {
  failed++;
  for (const line of outside) console.error(line);
  console.error('lint: point to docs/design.md, docs/api.md or a README of the repository instead');
}
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
console.log('lint: biome, import rules, type checks and in-repository pointers passed');
