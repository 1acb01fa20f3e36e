/**
 * The edge agent forwarding over HTTPS through the shipped nginx example (separate processes:
 * server, nginx, edge, plant simulator). The edge is given only the proxy's https URL and the
 * test's self-signed certificate as its `server.ca_file` (a site without a public name);
 * readings arriving in the server prove the path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type NginxService, startExampleNginx } from '../services/nginx.ts';
import { freePort, waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { storedRows } from './support/readings.ts';

let dir: string;
let nginx: NginxService | undefined;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  await nginx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent behind the nginx example (separate processes)', () => {
  it('forwards readings over https through the proxy', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-edge-nginx-'));
    const serverPort = await freePort();
    // nginx first: it connects to the server only per request.
    const proxy = await startExampleNginx(serverPort);
    nginx = proxy;
    const caFile = join(dir, 'site-ca.pem');
    writeFileSync(caFile, proxy.cert);
    stack = await startStack({
      dir,
      serverPort,
      edgeServerUrl: `https://localhost:${proxy.httpsPort}`,
      edgeServerCaFile: caFile,
    });
    const s = stack;
    await waitFor(
      () => storedRows(s).length >= 5,
      30_000,
      () => `no readings reached the server through the proxy:\n${s.edge.log().slice(-3000)}`,
    );
    expect(storedRows(s).length).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
