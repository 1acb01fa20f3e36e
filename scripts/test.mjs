#!/usr/bin/env node
// `npm test`: every test, against real services. Installs what is missing (Debian packages
// when root, pnpm, the workspace), lints, then runs vitest once for all tiers and ends with
// the plain line "N passed, N failed" that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildDashboard,
  buildEdge,
  buildEnv,
  ensureDebianPackages,
  ensurePnpm,
  installPackages,
  ROOT,
} from './bootstrap.mjs';

ensureDebianPackages();
const pnpmCmd = ensurePnpm();
installPackages(pnpmCmd);
buildDashboard(pnpmCmd);
buildEdge(pnpmCmd);

const [cmd, ...pre] = pnpmCmd;
const lint = spawnSync(cmd, [...pre, 'run', 'lint'], { stdio: 'inherit', cwd: ROOT, env: buildEnv() });

const out = mkdtempSync(join(tmpdir(), 'vigia-test-'));
const report = join(out, 'vitest.json');
const extra = process.argv.slice(2);
const tests = spawnSync(
  cmd,
  [...pre, 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit', cwd: ROOT, env: buildEnv() },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A file that failed with no failed test (a hook or import threw; its tests show as skipped
  // or are missing) counts as one failure, so the line never says 0 failed for a red run.
  failed =
    r.numFailedTests +
    (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    ).length;
  skipped = r.numPendingTests + r.numTodoTests;
} catch {
  failed += 1;
  console.error('The test run wrote no report: see the output above.');
}
rmSync(out, { recursive: true, force: true });
if (lint.status !== 0) {
  failed += 1;
  console.error('Lint failed (counted as one failed test): see "lint:" lines above.');
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(lint.status === 0 && tests.status === 0 && failed === 0 ? 0 : 1);
