/**
 * @module scripts/release/assemble
 * One release tarball: bundles (built once per product, any arch), the target's Node runtime,
 * the production dependencies with the target's native addons, launchers, unit, install.sh,
 * examples, README and the `RELEASE` facts install.sh reads. Staged in a temporary folder,
 * then packed with fixed owner, order and time, so the same sources give the same tar.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../bootstrap.mjs';
import { copyDependencies, packageName } from './deps.mjs';
import { betterSqliteAddon } from './native.mjs';
import { launcher, PRODUCTS } from './products.mjs';
import { NODE_VERSION, nodeRuntime } from './runtime.mjs';

const esbuild = createRequire(join(ROOT, 'edge', 'package.json'))('esbuild');

/** Bundles a product's programs into `dir`; resolves with the npm packages they import. */
export async function bundle(product, dir) {
  const roots = [...(PRODUCTS[product].extraRoots ?? [])];
  for (const program of PRODUCTS[product].programs) {
    const pkg = JSON.parse(readFileSync(join(program.pkgDir, 'package.json'), 'utf8'));
    const outfile = join(dir, `${program.name}.mjs`);
    const result = await esbuild.build({
      entryPoints: [program.entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // npm packages stay files on disk (native addons, files loaded at run time); ours is bundled.
      external: Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@vigia/')),
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
    });
    const output = Object.values(result.metafile.outputs)[0];
    for (const imp of output.imports.filter((i) => i.external)) {
      const name = packageName(imp.path);
      if (name && !roots.some((r) => r.name === name)) roots.push({ name, from: program.pkgDir });
    }
  }
  return roots;
}

/** Adapts a copied package to the target; true for the native addons it handles. */
function nativeFor(arch, runtimeDir) {
  return (name, version, dir) => {
    if (name === 'better-sqlite3') {
      const addon = betterSqliteAddon({ sourceDir: dir, arch, nodeDir: runtimeDir, nodeVersion: NODE_VERSION });
      const keep = join(dir, 'build', 'Release', 'better_sqlite3.node');
      const tmp = `${dir}.addon`;
      copyFileSync(addon, tmp);
      for (const sub of ['build', 'deps', 'src', 'binding.gyp'])
        rmSync(join(dir, sub), { recursive: true, force: true });
      mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
      copyFileSync(tmp, keep);
      rmSync(tmp);
      return true;
    }
    if (name === '@serialport/bindings-cpp') {
      // Prebuilt for linux-arm64 and linux-x64: keep only the target's.
      const prebuilds = join(dir, 'prebuilds');
      if (!existsSync(join(prebuilds, `linux-${arch}`)))
        throw new Error(`${name}@${version} has no linux-${arch} prebuild`);
      for (const p of readdirSync(prebuilds))
        if (p !== `linux-${arch}`) rmSync(join(prebuilds, p), { recursive: true });
      for (const sub of ['build', 'src', 'binding.gyp']) rmSync(join(dir, sub), { recursive: true, force: true });
      return true;
    }
    return false;
  };
}

/**
 * Writes `<out>/<product>-<version>-linux-<arch>.tar.gz` from bundles in `bundleDir` (made by
 * `bundle`, whose import list is `roots`); resolves with the tarball's path.
 */
export function assemble({ product, arch, version, bundleDir, roots, out, log = console.log }) {
  const name = `${product}-${version}`;
  const work = mkdtempSync(join(out, '.stage-'));
  try {
    const top = join(work, name);
    const runtime = nodeRuntime(arch, log);
    mkdirSync(join(top, 'node', 'bin'), { recursive: true });
    copyFileSync(join(runtime, 'bin', 'node'), join(top, 'node', 'bin', 'node'));
    chmodSync(join(top, 'node', 'bin', 'node'), 0o755);
    copyFileSync(join(runtime, 'LICENSE'), join(top, 'node', 'LICENSE'));
    mkdirSync(join(top, 'lib'), { recursive: true });
    mkdirSync(join(top, 'bin'), { recursive: true });
    for (const program of PRODUCTS[product].programs) {
      copyFileSync(join(bundleDir, `${program.name}.mjs`), join(top, 'lib', `${program.name}.mjs`));
      writeFileSync(join(top, 'bin', program.name), launcher(product, program.name), { mode: 0o755 });
    }
    copyDependencies({ roots, destNodeModules: join(top, 'lib', 'node_modules'), prepare: nativeFor(arch, runtime) });
    for (const file of PRODUCTS[product].files()) {
      const to = join(top, file.path);
      mkdirSync(join(to, '..'), { recursive: true });
      if (file.text !== undefined) writeFileSync(to, file.text);
      else {
        if (!existsSync(file.from)) throw new Error(`${file.from} is missing (for ${file.path}): build it first`);
        cpSync(file.from, to, { recursive: true, dereference: true });
      }
    }
    const files = join(ROOT, 'scripts', 'release', 'files');
    copyFileSync(join(files, 'install.sh'), join(top, 'install.sh'));
    chmodSync(join(top, 'install.sh'), 0o755);
    copyFileSync(join(files, 'README.md'), join(top, 'README.md'));
    writeFileSync(
      join(top, 'RELEASE'),
      `PRODUCT=${product}\nVERSION=${version}\nARCH=${arch}\nNODE_VERSION=${NODE_VERSION}\n`,
    );

    const tarball = join(out, `${name}-linux-${arch}.tar.gz`);
    const tar = join(work, 'out.tar');
    const mtime = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    const args = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${mtime || 0}`];
    const r = spawnSync('tar', ['cf', tar, ...args, '-C', work, name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
    const gz = spawnSync('gzip', ['-n', '-f', tar], { encoding: 'utf8' });
    if (gz.status !== 0) throw new Error(`gzip failed: ${gz.stderr}`);
    rmSync(tarball, { force: true });
    copyFileSync(`${tar}.gz`, tarball);
    return tarball;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
