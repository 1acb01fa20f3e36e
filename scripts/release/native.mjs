/**
 * @module scripts/release/native
 * better-sqlite3's compiled addon for a release's target: the workspace's own build when it
 * already fits (same CPU and Node major as the runtime shipped), else a node-gyp build against
 * the shipped runtime's headers (`include/node` of the node-linux-<arch> package), cross-compiled
 * with Debian's g++-aarch64-linux-gnu for arm64. A build takes about two minutes on two cores,
 * so its `.node` is kept in the cache folder outside the repository, keyed by better-sqlite3's
 * version, Node's version and the arch: `npm test` and `npm run release` pay once per machine.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './runtime.mjs';

/** The cross toolchain per target arch (Debian package names in the error message). */
const CROSS = {
  arm64: { prefix: 'aarch64-linux-gnu-', packages: 'g++-aarch64-linux-gnu' },
};

const HOST_ARCH = process.arch;

/** node-gyp as npm ships it (the workspace does not depend on it). */
function nodeGyp() {
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  const script = join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(script)) throw new Error(`node-gyp not found at ${script}: install npm (it ships node-gyp)`);
  return script;
}

/**
 * Path of a `better_sqlite3.node` built for `arch` and the runtime in `nodeDir` (version
 * `nodeVersion`). `sourceDir` is the workspace's better-sqlite3 package folder.
 */
export function betterSqliteAddon({ sourceDir, arch, nodeDir, nodeVersion, log = console.log }) {
  const version = JSON.parse(readFileSync(join(sourceDir, 'package.json'), 'utf8')).version;
  const built = join(sourceDir, 'build', 'Release', 'better_sqlite3.node');
  if (arch === HOST_ARCH && process.versions.node.split('.')[0] === nodeVersion.split('.')[0] && existsSync(built)) {
    return built; // same ABI (Node major) and CPU: the workspace's own build runs there
  }
  const cached = join(CACHE, 'better-sqlite3', `${version}-node${nodeVersion}-linux-${arch}`, 'better_sqlite3.node');
  if (existsSync(cached)) return cached;

  const env = { ...process.env };
  if (arch !== HOST_ARCH) {
    const cross = CROSS[arch];
    if (!cross) throw new Error(`no cross compiler known for ${arch} (known: ${Object.keys(CROSS).join(', ')})`);
    const gxx = `${cross.prefix}g++`;
    if (spawnSync('sh', ['-c', `command -v ${gxx}`]).status !== 0) {
      throw new Error(`${gxx} is missing: as root, run apt-get install -y ${cross.packages}`);
    }
    Object.assign(env, { CC: `${cross.prefix}gcc`, CXX: gxx, LINK: gxx, AR: `${cross.prefix}ar` });
  }
  log(`Building better-sqlite3 ${version} for linux-${arch} against Node ${nodeVersion} (about 2 minutes, once) ...`);
  const work = mkdtempSync(join(CACHE, 'build-'));
  try {
    const src = join(work, 'better-sqlite3');
    cpSync(sourceDir, src, {
      recursive: true,
      dereference: true,
      filter: (p) => !p.startsWith(join(sourceDir, 'build')) && !p.startsWith(join(sourceDir, 'node_modules')),
    });
    const r = spawnSync(
      process.execPath,
      [nodeGyp(), 'rebuild', '--release', `--arch=${arch}`, `--nodedir=${nodeDir}`, `--jobs=${2}`],
      { cwd: src, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = join(src, 'build', 'Release', 'better_sqlite3.node');
    if (r.status !== 0 || !existsSync(out)) {
      throw new Error(
        `building better-sqlite3 for ${arch} failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`,
      );
    }
    mkdirSync(join(cached, '..'), { recursive: true });
    copyFileSync(out, `${cached}.tmp`);
    renameSync(`${cached}.tmp`, cached); // never a half-written cache entry
    return cached;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
