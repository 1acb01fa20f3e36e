/**
 * @module scripts/release/runtime
 * The Node runtime a release carries: Node's official binaries as npm publishes them in the
 * `node-linux-<arch>` packages (binary plus `include/node` headers), at the pinned version, so
 * a Pi needs neither the internet nor Raspberry Pi OS's own (maybe older) Node. Fetched once
 * with `npm pack` into the cache folder outside the repository, keyed by version.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Same major and minor as the project's `engines.node` (>=20.19); patch pinned. */
export const NODE_VERSION = '20.20.2';
export const ARCHS = ['arm64', 'x64'];

/** Downloads and builds kept between runs (outside the repository). */
export const CACHE =
  process.env.VIGIA_RELEASE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vigia-release');

/** Folder of the unpacked `node-linux-<arch>` package: `bin/node`, `include/node`, `LICENSE`. */
export function nodeRuntime(arch, log = console.log) {
  const dir = join(CACHE, 'node', `node-linux-${arch}-${NODE_VERSION}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  mkdirSync(join(CACHE, 'node'), { recursive: true });
  const work = mkdtempSync(join(CACHE, 'node', 'fetch-'));
  try {
    log(`Fetching node-linux-${arch}@${NODE_VERSION} (npm pack, once) ...`);
    const pack = spawnSync('npm', ['pack', `node-linux-${arch}@${NODE_VERSION}`, '--pack-destination', work], {
      encoding: 'utf8',
    });
    const file = pack.stdout.trim().split('\n').at(-1);
    if (pack.status !== 0 || !file) {
      throw new Error(
        `npm pack node-linux-${arch}@${NODE_VERSION} failed: ${pack.stderr.slice(-2000)}\n` +
          'The first release build needs the npm registry (later ones use the cache).',
      );
    }
    const tar = spawnSync('tar', ['xzf', join(work, file), '-C', work], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`unpacking ${file} failed: ${tar.stderr}`);
    if (!existsSync(join(work, 'package', 'bin', 'node'))) throw new Error(`${file} holds no bin/node`);
    try {
      renameSync(join(work, 'package'), dir);
    } catch (err) {
      // Another build (a parallel test) unpacked the same version first: use that one.
      if (!existsSync(join(dir, 'bin', 'node'))) throw err;
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
