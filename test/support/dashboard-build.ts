/**
 * @module test/support/dashboard-build
 * The browser tests load the built dashboard (dashboard/dist) from vigia-server. Rebuild it
 * when dist/index.html is missing or older than any source the build reads (bootstrap's
 * DASHBOARD_SOURCES, the list `npm start` checks); the same for the page on the Pi
 * (edge/dist/page). One build at a time across test workers (a lock dir).
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtAfter, DASHBOARD_SOURCES } from '../../scripts/bootstrap.mjs';
import { withLockDir } from './lock-dir.ts';
import { REPO } from './process.ts';

const DASHBOARD = join(REPO, 'dashboard');
const LOCK = join(tmpdir(), 'vigia-dashboard-build.lock');
/**
 * The build the tests load is the one that ships: vitest sets NODE_ENV=test, and Vite would then
 * keep the libraries' development branches (first-load JS 91 KB gzipped instead of 84).
 */
const BUILD_ENV = { ...process.env, NODE_ENV: 'production' };

/** `vite build` run directly in dashboard/ with `args` (needs no network). */
function viteBuild(args: string[] = []): void {
  const viteBin = join(DASHBOARD, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [viteBin, 'build', ...args], {
    cwd: DASHBOARD,
    env: BUILD_ENV,
    stdio: 'pipe',
    timeout: 120_000,
  });
}

/**
 * `pnpm --filter @vigia/dashboard build`. pnpm sometimes fails before running anything while
 * it checks its own pinned version against the registry (ERR_PNPM_BAD_CONFIG_DEP, offline or
 * flaky network); then the same `vite build` runs directly, which needs no network.
 */
function build(): void {
  try {
    execFileSync('pnpm', ['--filter', '@vigia/dashboard', 'build'], {
      cwd: REPO,
      env: BUILD_ENV,
      stdio: 'pipe',
      timeout: 120_000,
    });
  } catch (err) {
    try {
      viteBuild();
    } catch (direct) {
      const out = (e: unknown) => String((e as { stderr?: Buffer }).stderr ?? e);
      throw new Error(`dashboard build failed:\npnpm: ${out(err)}\nvite: ${out(direct)}`);
    }
  }
}

/** Runs `build` under the lock unless `isFresh()` (asked again once the lock is held: another worker may have built). */
async function buildUnlessFresh(isFresh: () => boolean, build: () => void): Promise<void> {
  if (isFresh()) return;
  // A lock older than a build can take (3 minutes) is left over from a crash.
  await withLockDir(LOCK, 180_000, () => {
    if (!isFresh()) build();
  });
}

/** Build the dashboard unless dist is newer than every source; waits for a build in another worker. */
export function ensureDashboardBuilt(): Promise<void> {
  return buildUnlessFresh(() => builtAfter('dashboard/dist/index.html', DASHBOARD_SOURCES), build);
}

/**
 * Build the page on the Pi (`vite.page.config.ts`, into edge/dist/page) unless it is newer than
 * every source the build reads; under the same lock,
 * so two workers never write it at once.
 */
export function buildPiPage(): Promise<void> {
  return buildUnlessFresh(
    () => builtAfter('edge/dist/page/index.html', DASHBOARD_SOURCES),
    () => viteBuild(['--config', 'vite.page.config.ts']),
  );
}
