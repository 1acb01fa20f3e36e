/**
 * @module scripts/release/deps
 * The production dependencies a release bundle imports, copied out of pnpm's store into one
 * plain `node_modules` next to the bundle: every package the bundle names (esbuild leaves npm
 * packages external) plus what they need, found the way Node finds them. One version of a name
 * goes at the top; a second version of it goes under the package that needs it. After placing,
 * every dependency is resolved again from its new home and must find the version it had in the
 * workspace: a layout that would load the wrong version fails the build instead of the Pi.
 * Native addons are replaced by the target's build (better-sqlite3) or cut down to the target's
 * prebuild (@serialport/bindings-cpp); any other addon stops the build with what to do.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const readPkg = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; built-ins → undefined. */
export function packageName(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Node's lookup: `<ancestor>/node_modules/<name>` from `fromDir` up; real path or undefined. */
function lookup(fromDir, name) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Names a package needs at run time (optional and peer ones only where installed). */
function needs(dir) {
  const pkg = readPkg(dir);
  return [
    ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(pkg.peerDependencies ?? {}).map((name) => ({ name, optional: true })),
  ];
}

/**
 * Copies the closure of `roots` (`[{ name, from }]`: a package name and the workspace package
 * folder that imports it) into `destNodeModules`. `prepare(name, version, copiedDir)` adapts a
 * copied package to the target and returns true for a native addon it handled. Returns the
 * placed packages.
 */
export function copyDependencies({ roots, destNodeModules, prepare }) {
  /** copied dir → { name, version, source } */
  const placed = new Map();
  /** source real dir → copied dir (a package placed once per version where possible) */
  const queue = [];
  const place = (name, source, neededFromCopiedDir) => {
    const version = readPkg(source).version;
    // What would Node find from the dependent's new home?
    for (let dir = neededFromCopiedDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      const there = placed.get(candidate);
      if (there) {
        if (there.version === version) return;
        break; // shadowed by another version: nest under the dependent
      }
      if (dir === dirname(destNodeModules)) {
        // Nothing of this name on the way up: the top level is free.
        const top = join(destNodeModules, name);
        if (!placed.has(top)) return copy(name, version, source, top);
        break;
      }
      if (dirname(dir) === dir) break;
    }
    copy(name, version, source, join(neededFromCopiedDir, 'node_modules', name));
  };
  const copy = (name, version, source, target) => {
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target, {
      recursive: true,
      dereference: true,
      // A package's own node_modules (pnpm keeps none there, npm might) is resolved, not copied.
      filter: (p) => !relative(source, p).split(sep).includes('node_modules'),
    });
    placed.set(target, { name, version, source });
    queue.push(target);
  };

  const topHome = dirname(destNodeModules);
  for (const { name, from } of roots) {
    const source = lookup(from, name);
    if (!source) throw new Error(`${name} is imported by the bundle but not installed for ${from}: run pnpm install`);
    place(name, source, topHome);
  }
  while (queue.length > 0) {
    const target = queue.shift();
    const { source } = placed.get(target);
    for (const dep of needs(source)) {
      const depSource = lookup(source, dep.name);
      if (!depSource) {
        if (dep.optional) continue;
        throw new Error(`${dep.name} (needed by ${source}) is not installed: run pnpm install`);
      }
      place(dep.name, depSource, target);
    }
  }

  // Check: from each copied package, every installed dependency resolves to the version the
  // workspace gave it.
  for (const [target, { source }] of placed) {
    for (const dep of needs(source)) {
      const want = lookup(source, dep.name);
      if (!want) continue;
      const got = lookup(target, dep.name);
      if (!got || readPkg(got).version !== readPkg(want).version) {
        throw new Error(`release layout: ${target} would load ${dep.name} from ${got ?? 'nowhere'}, not ${want}`);
      }
    }
  }
  for (const [target, { name, version }] of placed) {
    const handled = prepare?.(name, version, target) === true;
    if (existsSync(join(target, 'binding.gyp')) && !handled) {
      throw new Error(
        `${name}@${version} is a native addon the release does not know how to build for the target: ` +
          'add it to scripts/release/native.mjs (or drop the dependency)',
      );
    }
  }
  return [...placed.values()];
}
