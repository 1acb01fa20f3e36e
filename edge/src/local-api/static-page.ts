/**
 * @module local-api/static-page
 * Serves the page on the Pi (built by `pnpm --filter @vigia/dashboard build:page` into
 * `edge/dist/page/`, the dashboard's second vite entry) from the folder `page/` next to the
 * agent's bundle (`dist/vigia-edge.mjs` → `dist/page/`); when the agent runs from its sources,
 * `edge/dist/page/` too. A release copies `edge/dist/page/` next to its bundle.
 * Invariants: only files inside that folder are served (no `..`, no absolute paths); a missing
 * build answers 404 with a message saying how to build it; files are read once and kept (the
 * page is small: at most ~100 KB).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** The page folder: next to the bundle, else edge/dist/page seen from the sources. */
export function pageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'page'), join(here, '..', '..', 'dist', 'page')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

export type StaticFile = { status: number; type: string; body: Buffer };

export function createStaticPage(dir = pageDir()) {
  const cache = new Map<string, StaticFile>();
  return {
    dir,
    /** The file for a URL path, or null when it is not one of the page's files. */
    get(path: string): StaticFile | null {
      const rel = path === '/' || path === '/tecnico' ? 'index.html' : path.slice(1);
      if (!/^[\w./-]+$/.test(rel) || rel.includes('..')) return null;
      const hit = cache.get(rel);
      if (hit) return hit;
      const file = normalize(join(dir, rel));
      if (!file.startsWith(dir + sep)) return null;
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        if (rel !== 'index.html') return null;
        const text = `La página no está construida: falta ${dir}/index.html. Ejecute  pnpm --filter @vigia/dashboard build:page  (o instale la versión completa).\nThe page is not built: ${dir}/index.html is missing. Run  pnpm --filter @vigia/dashboard build:page  (or install the full release).\n`;
        return { status: 404, type: 'text/plain; charset=utf-8', body: Buffer.from(text) };
      }
      const found = { status: 200, type: TYPES[extname(file)] ?? 'application/octet-stream', body };
      cache.set(rel, found);
      return found;
    },
  };
}
