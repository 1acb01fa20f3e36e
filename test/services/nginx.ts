/**
 * @module test/services/nginx
 * A real nginx (Debian package `nginx`) for service tests, run the way an operator would not:
 * in the foreground, with its own prefix, pid file, error log and temp paths in a temp dir,
 * on high loopback ports. The test gives the `server { }` blocks (e.g. the shipped example
 * with its ports and paths replaced); this wraps them in a minimal main config. Ready when
 * the first listen port accepts a TCP connection.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDaemon } from './daemon.ts';
import { requireCommand, waitFor } from './util.ts';

export type NginxService = { dir: string; stop: () => Promise<void> };

/** The main config around `site` (http-context text); every path inside `dir`. */
export function nginxMainConfig(dir: string): string {
  return `# test nginx: foreground, own prefix, paths in ${dir}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Start nginx with `site` (its `server { }` blocks) listening on `port` (the port to wait for);
 * `files` are written into its dir first (certificates), and `site` may name them by `{dir}`.
 */
export async function startNginx(opts: {
  site: string;
  port: number;
  files?: Record<string, string>;
}): Promise<NginxService> {
  requireCommand('nginx', 'nginx');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-nginx-'));
  // Run as root, nginx's workers drop to an unprivileged user: they must reach the temp paths.
  chmodSync(dir, 0o755);
  try {
    for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text, { mode: 0o600 });
    writeFileSync(join(dir, 'site.conf'), opts.site.replaceAll('{dir}', dir));
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxMainConfig(dir));
    const daemon = spawnDaemon('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
    await waitFor(
      async () => daemon.exited() || (await accepts(opts.port)),
      10_000,
      () => `nginx did not accept a connection on 127.0.0.1:${opts.port} within 10 s:\n${daemon.output()}`,
    ).catch(async (err) => {
      await daemon.stop();
      throw err;
    });
    if (daemon.exited()) throw new Error(`nginx exited before it was ready:\n${daemon.output()}`);
    return {
      dir,
      stop: async () => {
        // SIGQUIT would wait for the live stream; SIGTERM is nginx's fast shutdown.
        await daemon.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
