/**
 * What `npm start` and `npm test` need before any project code runs: the pinned pnpm, the
 * workspace's packages (native builds against the local Node headers), the Debian services
 * the tests use, and the built dashboard. Node built-ins only: nothing is installed yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '12.21.0';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (r.status !== 0) {
    throw new Error(`"${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
  }
}

/** The command that runs the pinned pnpm: a global install when we can, else npx. */
export function ensurePnpm() {
  let version = '';
  try {
    version = execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {}
  if (version === PNPM_VERSION) return ['pnpm'];
  if (isRoot) {
    // corepack fails against this registry (signature check): install pnpm with npm instead.
    console.log(`Installing pnpm ${PNPM_VERSION} (npm i -g) ...`);
    run('npm', ['i', '-g', '--allow-scripts=pnpm', `pnpm@${PNPM_VERSION}`]);
    return ['pnpm'];
  }
  // Without root, npx keeps the pinned pnpm in the user's npm cache.
  return ['npx', '-y', `pnpm@${PNPM_VERSION}`];
}

/** Environment for pnpm: better-sqlite3 must compile against the local Node headers. */
export function buildEnv() {
  const env = { ...process.env };
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

export function pnpm(pnpmCmd, args) {
  const [cmd, ...pre] = pnpmCmd;
  run(cmd, [...pre, ...args], { env: buildEnv() });
}

export function installPackages(pnpmCmd) {
  console.log('Installing the workspace packages (the first time compiles better-sqlite3: a minute or two) ...');
  pnpm(pnpmCmd, ['install', '--frozen-lockfile']);
}

/** What the dashboard build reads; `npm start` and the browser tests (test/support/dashboard-build.ts) rebuild when one is newer. */
export const DASHBOARD_SOURCES = [
  'dashboard/src',
  'dashboard/index.html',
  'dashboard/pi',
  'dashboard/vite.config.ts',
  'dashboard/vite.page.config.ts',
  'shared/src',
  'pnpm-lock.yaml',
];

export function buildDashboard(pnpmCmd, { onlyIfStale = false } = {}) {
  // Two entries: the server's dashboard (dashboard/dist) and the page on the Pi (edge/dist/page).
  const fresh = (output) => builtAfter(output, DASHBOARD_SOURCES);
  if (onlyIfStale && fresh('dashboard/dist/index.html') && fresh('edge/dist/page/index.html')) return;
  pnpm(pnpmCmd, ['--filter', '@vigia/dashboard', 'build']);
}

/** The edge agent's bundle (edge/dist), which edge/bin runs while it is newer than the sources. */
export function buildEdge(pnpmCmd, { onlyIfStale = false } = {}) {
  const sources = ['edge/src', 'edge/scripts', 'shared/src', 'pnpm-lock.yaml'];
  if (onlyIfStale && builtAfter('edge/dist/vigia-edge.mjs', sources)) return;
  pnpm(pnpmCmd, ['--filter', '@vigia/edge', 'build']);
}

/**
 * Whether `output` exists and is newer than every file of `sources` (paths under ROOT; `output`
 * may also be absolute, e.g. a marker file in a temp folder). `npm start` skips a fresh build:
 * faster, and a demo started while tests run does not empty dashboard/dist or rewrite edge/dist
 * under them. The browser and release tests ask the same (test/support/dashboard-build.ts,
 * test/support/release.ts).
 */
export function builtAfter(output, sources) {
  const newest = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return 0;
    }
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  const built = newest(resolve(ROOT, output));
  return built > 0 && sources.every((s) => newest(join(ROOT, s)) <= built);
}

/** What `npm run release` needs for its arm64 files: the cross compiler for better-sqlite3. */
export const RELEASE_PACKAGES = [{ command: 'aarch64-linux-gnu-g++', packages: ['g++-aarch64-linux-gnu'] }];

/**
 * Debian packages the tests start for real, each found by a `command` on the PATH or a file
 * `path`. Installs them when root; otherwise says how.
 */
export const TEST_SERVICES = [
  { command: 'influxd', packages: ['influxdb', 'influxdb-client'] },
  { command: 'mosquitto', packages: ['mosquitto', 'mosquitto-clients'] },
  { command: 'socat', packages: ['socat'] },
  { command: 'chromium', packages: ['chromium'] },
  { command: 'pdftotext', packages: ['poppler-utils'] },
  // The SMTP sink of the e-mail tests (test/services/smtp-sink.py): the standard smtpd of Debian 12's Python 3.11.
  { command: 'python3', packages: ['python3'] },
  { command: 'systemd-analyze', packages: ['systemd'] },
  // The release tests: cross-build better-sqlite3 for arm64 and run the arm64 release under qemu.
  ...RELEASE_PACKAGES,
  { command: 'qemu-aarch64-static', packages: ['qemu-user-static'] },
  { path: '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1', packages: ['libc6-arm64-cross'] },
  { path: '/usr/aarch64-linux-gnu/lib/libstdc++.so.6', packages: ['libstdc++6-arm64-cross'] },
  // The reverse-proxy example (server/deploy/nginx/vigia.conf) is tested behind a real nginx.
  { command: 'nginx', packages: ['nginx'] },
];

export function ensureDebianPackages(services = TEST_SERVICES) {
  const missing = services
    .filter((s) => (s.command ? !have(s.command) : !existsSync(s.path)))
    .flatMap((s) => s.packages);
  if (missing.length === 0) return;
  const line = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!isRoot) {
    console.error(`Debian packages this needs are not installed. As root, run:\n\n  ${line}\n`);
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')} ...`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
