/**
 * @module scripts/release/products
 * What each release tarball holds, per product: the programs to bundle (entry point, the
 * workspace package whose npm dependencies stay external, the launcher's name), extra files,
 * the systemd unit and the example configuration. The layout is a contract (install.sh, the
 * tests and docs/install-pi.md rely on it): one folder `<product>-<version>/` with `node/`,
 * `lib/<program>.mjs`, `bin/<program>`, `systemd/`, `install.sh`, `examples/`, `README.md`,
 * `RELEASE`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../bootstrap.mjs';

/** The first ```yaml block after "## Sample" in a driver README (as edge/src/drivers/readme.test.ts). */
function driverSamples() {
  const drivers = join(ROOT, 'edge', 'src', 'drivers');
  return readdirSync(drivers, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const readme = readFileSync(join(drivers, d.name, 'README.md'), 'utf8');
      const m = /## Sample[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme);
      if (!m) throw new Error(`edge/src/drivers/${d.name}/README.md has no "## Sample" yaml block`);
      return {
        path: `examples/sensors/${d.name}.yaml`,
        text: `# Sample sensors for the ${d.name} driver (from edge/src/drivers/${d.name}/README.md).\n# Copy them under "sensors:" in /etc/vigia/edge.yaml.\n${m[1]}`,
      };
    });
}

export const PRODUCTS = {
  'vigia-edge': {
    programs: [
      { name: 'vigia-edge', entry: join(ROOT, 'edge', 'src', 'main.ts'), pkgDir: join(ROOT, 'edge') },
      {
        name: 'vigia-config',
        entry: join(ROOT, 'firmware-config', 'src', 'main.ts'),
        pkgDir: join(ROOT, 'firmware-config'),
      },
    ],
    files: () => [
      { path: 'systemd/vigia-edge.service', from: join(ROOT, 'edge', 'systemd', 'vigia-edge.service') },
      { path: 'examples/edge.yaml', from: join(ROOT, 'scripts', 'release', 'files', 'edge.yaml') },
      // The page on the Pi, served from `page/` next to the bundle (edge/src/local-api/static-page.ts).
      { path: 'lib/page', from: join(ROOT, 'edge', 'dist', 'page') },
      ...driverSamples(),
    ],
  },
  'vigia-server': {
    programs: [{ name: 'vigia-server', entry: join(ROOT, 'server', 'src', 'main.ts'), pkgDir: join(ROOT, 'server') }],
    files: () => [
      { path: 'systemd/vigia-server.service', from: join(ROOT, 'server', 'systemd', 'vigia-server.service') },
      { path: 'examples/server.yaml', from: join(ROOT, 'scripts', 'release', 'files', 'server.yaml') },
      // Loaded by path at run time (a worker thread), next to the bundle.
      { path: 'lib/column-reader.mjs', from: join(ROOT, 'server', 'src', 'storage', 'sqlite', 'column-reader.mjs') },
      { path: 'dashboard', from: join(ROOT, 'dashboard', 'dist') },
    ],
    /** Packages loaded by files other than the bundle. */
    extraRoots: [{ name: 'better-sqlite3', from: join(ROOT, 'server') }],
  },
};

/** `bin/<program>`: POSIX sh, runs the bundle with this release's own Node, through any symlink. */
export function launcher(product, program) {
  const dashboard =
    product === 'vigia-server'
      ? `# The built dashboard shipped in this release, unless the environment names another.
VIGIA_DASHBOARD_DIR="\${VIGIA_DASHBOARD_DIR:-$here/dashboard}"
export VIGIA_DASHBOARD_DIR
`
      : '';
  return `#!/bin/sh
# ${program}: runs lib/${program}.mjs with the Node runtime of this release (node/bin/node),
# wherever it is linked from (/usr/local/bin/${program} -> /opt/${product}/current/bin/${program}).
set -e
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
${dashboard}exec "$here/node/bin/node" "$here/lib/${program}.mjs" "$@"
`;
}
