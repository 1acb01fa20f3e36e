/**
 * @module test/support/release
 * The release tarballs the release tests install and run (`npm run release` with --out,
 * --version, --product, --arch), built once and reused while no source they hold changed:
 * a marker file newer than every source says the folder is fresh. Test files running in
 * parallel share a build through a lock folder. The slow parts (Node runtimes, the arm64
 * better-sqlite3) come from the release cache outside the repository (scripts/release/runtime.mjs).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtAfter } from '../../scripts/bootstrap.mjs';
import { withLockDir } from './lock-dir.ts';
import { REPO } from './process.ts';

/** What a release holds: a change to any of these rebuilds the test releases. */
const SOURCES = [
  'edge/src',
  'edge/systemd',
  'server/src',
  'server/systemd',
  'shared/src',
  'firmware-config/src',
  'dashboard/src',
  'dashboard/index.html',
  'scripts/release',
  'scripts/release.mjs',
  'pnpm-lock.yaml',
  'package.json',
  'edge/package.json',
  'server/package.json',
  'firmware-config/package.json',
];

/** Runs a release's own arm64 Node on this x64 machine (no binfmt_misc: qemu is called explicitly). */
export const QEMU_ARM64 = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];

export type ReleaseRequest = { version: string; products: string[]; archs: string[] };

/** Folder holding `<product>-<version>-linux-<arch>.tar.gz` for the request (built if stale). */
export async function releaseBuild(req: ReleaseRequest): Promise<string> {
  const out = join(tmpdir(), 'vigia-release-test', `${req.version}-${req.products.join('+')}-${req.archs.join('+')}`);
  const marker = join(out, '.built');
  mkdirSync(join(out, '..'), { recursive: true });
  // A lock left by a killed run goes stale after 20 minutes.
  return withLockDir(
    `${out}.lock`,
    20 * 60_000,
    async () => {
      if (builtAfter(marker, SOURCES)) return out;
      rmSync(out, { recursive: true, force: true });
      const args = ['scripts/release.mjs', '--out', out, '--version', req.version];
      args.push('--product', req.products.join(','), '--arch', req.archs.join(','));
      let log = '';
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (d) => {
          log += d;
        });
        child.stderr.on('data', (d) => {
          log += d;
        });
        child.once('error', reject);
        child.once('exit', resolve);
      });
      if (code !== 0)
        throw new Error(`npm run release ${args.slice(1).join(' ')} failed (exit ${code}):\n${log.slice(-4000)}`);
      writeFileSync(marker, `${new Date().toISOString()}\n`);
      return out;
    },
    500,
  );
}

/** Unpacks a tarball into `into`; returns its one top folder. */
export function extract(tarball: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['xzf', tarball, '-C', into], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar xzf ${tarball}: ${r.stderr}`);
  const top = readdirSync(into).filter((n) => n.startsWith('vigia-'));
  if (top.length !== 1) throw new Error(`${tarball} holds ${top.length} top folders, not one: ${top.join(', ')}`);
  return join(into, top[0]);
}

/** No workspace packages for a release's programs (pnpm's shims set NODE_PATH). */
export const NO_WORKSPACE_ENV = { NODE_PATH: '' };
