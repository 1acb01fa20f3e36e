/**
 * @module test/services/nginx
 * A real nginx (Debian package `nginx`) for service tests, run the way an operator would not:
 * in the foreground, with its own prefix, pid file, error log and temp paths in a temp dir,
 * on high loopback ports. The test gives the `server { }` blocks (e.g. the shipped example
 * with its ports and paths replaced); this wraps them in a minimal main config. Ready when
 * the first listen port accepts a TCP connection. Also: the shipped example made runnable here
 * (`exampleSite`), a self-signed certificate for localhost (`selfSignedCertificate`), and the
 * two together in front of a server (`startExampleNginx`).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnDaemon } from './daemon.ts';
import { freePort, requireCommand, waitFor } from './util.ts';

const EXAMPLE = fileURLToPath(new URL('../../server/deploy/nginx/vigia.conf', import.meta.url));

export type NginxService = { dir: string; stop: () => Promise<void> };

/** The main config around `site` (http-context text); every path inside `dir`. */
function nginxMainConfig(dir: string): string {
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

/** A self-signed certificate for localhost and 127.0.0.1 (P-256), made with openssl. */
export function selfSignedCertificate(): { cert: string; key: string } {
  requireCommand('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function replaceIn(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`${EXAMPLE} no longer contains "${from}": update this test with it`);
  return text.replaceAll(from, to);
}

/**
 * The shipped example (server/deploy/nginx/vigia.conf) with test ports and certificate paths
 * (`{dir}`: nginx's temp dir). A replaced text no longer in the example throws, so the example
 * cannot drift from what the tests run.
 */
export function exampleSite(ports: { https: number; http: number; upstream: number }): string {
  let s = readFileSync(EXAMPLE, 'utf8');
  s = replaceIn(s, 'server 127.0.0.1:8080;', `server 127.0.0.1:${ports.upstream};`);
  s = replaceIn(s, 'listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`);
  s = replaceIn(s, 'listen [::]:443 ssl http2;', '');
  s = replaceIn(s, 'listen 80;', `listen 127.0.0.1:${ports.http};`);
  s = replaceIn(s, 'listen [::]:80;', '');
  s = replaceIn(s, '/etc/ssl/vigia/fullchain.pem', '{dir}/cert.pem');
  s = replaceIn(s, '/etc/ssl/vigia/privkey.pem', '{dir}/key.pem');
  return s;
}

export type ExampleNginx = NginxService & { httpsPort: number; httpPort: number; cert: string };

/**
 * The shipped example on free ports in front of 127.0.0.1:`upstream`, with a new self-signed
 * certificate for localhost (`cert`, PEM: what a client or the edge must trust).
 */
export async function startExampleNginx(upstream: number): Promise<ExampleNginx> {
  const { cert, key } = selfSignedCertificate();
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const nginx = await startNginx({
    site: exampleSite({ https: httpsPort, http: httpPort, upstream }),
    port: httpsPort,
    files: { 'cert.pem': cert, 'key.pem': key },
  });
  return { ...nginx, httpsPort, httpPort, cert };
}
