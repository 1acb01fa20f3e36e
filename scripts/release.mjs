#!/usr/bin/env node
/**
 * `npm run release`: the offline release files in `release/` (git-ignored), one tarball per
 * product and arch plus SHA256SUMS:
 *   vigia-edge-<version>-linux-{arm64,x64}.tar.gz, vigia-server-<version>-linux-{arm64,x64}.tar.gz
 * Each is self-contained (Node runtime, bundle, production dependencies built for the target,
 * unit, install.sh, examples): see docs/install-pi.md. <version> is the root package.json's.
 * The first run fetches the Node runtimes and cross-builds better-sqlite3 (cached outside the
 * repository, see scripts/release/runtime.mjs); later runs work offline.
 *
 * Options (for tests and partial builds): --arch arm64,x64  --product vigia-edge,vigia-server
 * --out DIR  --version V
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildDashboard,
  ensureDebianPackages,
  ensurePnpm,
  installPackages,
  RELEASE_PACKAGES,
  ROOT,
} from './bootstrap.mjs';
import { ARCHS } from './release/runtime.mjs';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: ARCHS.join(',') },
    product: { type: 'string', default: 'vigia-edge,vigia-server' },
    out: { type: 'string', default: join(ROOT, 'release') },
    version: { type: 'string' },
  },
});

const pkgVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const version = values.version ?? pkgVersion;
if (!/^[0-9A-Za-z.+-]+$/.test(version ?? '')) throw new Error(`release version "${version}" is not a version`);
const archs = values.arch.split(',');
const products = values.product.split(',');
const out = resolve(values.out);

if (archs.includes('arm64') && process.arch !== 'arm64') ensureDebianPackages(RELEASE_PACKAGES);
const pnpmCmd = ensurePnpm();
if (!existsSync(join(ROOT, 'node_modules', '.modules.yaml'))) installPackages(pnpmCmd);
// The server carries the dashboard, the edge the page on the Pi: one build makes both.
buildDashboard(pnpmCmd, { onlyIfStale: true });

const { assemble, bundle } = await import('./release/assemble.mjs');
const { PRODUCTS } = await import('./release/products.mjs');
for (const p of products)
  if (!PRODUCTS[p]) throw new Error(`unknown product ${p} (${Object.keys(PRODUCTS).join(', ')})`);
for (const a of archs) if (!ARCHS.includes(a)) throw new Error(`unknown arch ${a} (${ARCHS.join(', ')})`);

mkdirSync(out, { recursive: true });
const written = [];
for (const product of products) {
  const bundleDir = mkdtempSync(join(out, '.bundle-'));
  try {
    const roots = await bundle(product, bundleDir);
    for (const arch of archs) {
      const t0 = Date.now();
      const tarball = assemble({ product, arch, version, bundleDir, roots, out });
      written.push(tarball);
      console.log(`${tarball} (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

// SHA256SUMS covers every tarball in the folder (sha256sum -c SHA256SUMS checks them).
const sums = readdirSync(out)
  .filter((f) => /^vigia-.*\.tar\.gz$/.test(f))
  .sort()
  .map(
    (f) =>
      `${createHash('sha256')
        .update(readFileSync(join(out, f)))
        .digest('hex')}  ${f}\n`,
  );
writeFileSync(join(out, 'SHA256SUMS'), sums.join(''));
console.log(`${join(out, 'SHA256SUMS')} (${sums.length} files)`);
