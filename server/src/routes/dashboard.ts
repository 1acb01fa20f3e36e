/**
 * @module routes/dashboard
 * The built dashboard from `dashboardDir`: files as they are, `index.html` for unknown
 * paths without a file extension (client-side routes). Checked per request, so a dashboard
 * built after the server started is served. Never answers under /api. No inline style or
 * script anywhere (the Content-Security-Policy of http/security-headers.ts would block it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';

const NOT_BUILT = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigía</title></head>
<body>
<h1>Vigía</h1>
<p>El servidor funciona, pero el tablero (dashboard) no está construido.
Ejecute <code>npm start</code> en la carpeta del proyecto, o
<code>pnpm --filter @vigia/dashboard build</code>, y recargue esta página.</p>
<p lang="en">The server is running, but the dashboard is not built.
Run <code>npm start</code> in the project folder, or <code>pnpm --filter @vigia/dashboard build</code>, then reload.</p>
</body></html>
`;

export function dashboardRoutes(dashboardDir: string): Hono {
  let files: MiddlewareHandler | undefined;
  let indexFile: MiddlewareHandler | undefined;
  const built = () => existsSync(join(dashboardDir, 'index.html'));
  return new Hono().get('*', async (c, next) => {
    if (!built()) return c.html(NOT_BUILT, 503);
    files ??= serveStatic({ root: dashboardDir });
    indexFile ??= serveStatic({ root: dashboardDir, path: 'index.html' });
    const served = await files(c, async () => {});
    if (served instanceof Response) return served;
    // A missing asset (has an extension) is a real 404; anything else is a dashboard route.
    if (/\.[A-Za-z0-9]+$/.test(c.req.path)) return c.text('Not found', 404);
    c.header('Cache-Control', 'no-cache');
    return (await indexFile(c, next)) ?? c.text('Not found', 404);
  });
}
