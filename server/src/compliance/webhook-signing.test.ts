// Webhook requests against real local node:http receivers: signed with the URL's own secret,
// redirects not followed, and the URL's path and query (which may be a secret) never logged.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { capturedLog } from '../../test-support/log.ts';
import { runServerCli } from '../../test-support/server-process.ts';
import { makeTestApp, type TestApp } from '../../test-support/test-app.ts';
import { KEY_FILE, loadSigningKey, redactUrl, webhookSecret } from './webhook-signing.ts';
import { createWebhooks } from './webhooks.ts';

let t: TestApp | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

type Got = { path: string; headers: IncomingHttpHeaders; body: string };
/** A receiver on 127.0.0.1 answering `answer(path)`; records what it got. */
async function receiver(answer: (path: string) => { status: number; location?: string }) {
  const got: Got[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      const a = answer(req.url ?? '');
      res.statusCode = a.status;
      if (a.location) res.setHeader('location', a.location);
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

describe('webhook signing', () => {
  it("signs each request with the HMAC-SHA256 of its body under that URL's own secret", async () => {
    t = await makeTestApp();
    const { base, got } = await receiver(() => ({ status: 204 }));
    const urls = [`${base}/hook/one`, `${base}/hook/two`];
    const key = loadSigningKey(t.dir);
    const hooks = createWebhooks(t.meta, pino({ level: 'silent' }), { urls, secretFor: (u) => webhookSecret(key, u) });
    hooks.notify('breach_opened', { id: 3 } as never, 1);
    await hooks.flush();
    expect(got).toHaveLength(2);
    for (const g of got) {
      const secret = webhookSecret(key, `${base}${g.path}`);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(g.body).digest('hex')}`);
      const header = Buffer.from(String(g.headers['x-vigia-signature']));
      expect(header.length === expected.length && timingSafeEqual(header, expected)).toBe(true);
    }
    // Two URLs, two secrets; the key file is private.
    expect(webhookSecret(key, urls[0])).not.toBe(webhookSecret(key, urls[1]));
    expect(statSync(`${t.dir}/${KEY_FILE}`).mode & 0o077).toBe(0);
    expect(loadSigningKey(t.dir).equals(key)).toBe(true);
  });

  it('does not follow a redirect: the attempt fails, the other host never sees the body', async () => {
    t = await makeTestApp();
    const elsewhere = await receiver(() => ({ status: 204 }));
    const { base, got } = await receiver(() => ({ status: 302, location: `${elsewhere.base}/stolen` }));
    const url = `${base}/hook/s3cr3t-path-token?key=s3cr3t-query`;
    const { log, text } = capturedLog();
    const hooks = createWebhooks(t.meta, log, { urls: [url], secretFor: () => 'x', baseDelayMs: 60_000 });
    hooks.notify('breach_opened', { id: 4 } as never, 1);
    await hooks.flush();
    expect(got).toHaveLength(1);
    expect(elsewhere.got).toHaveLength(0);
    const [row] = t.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10);
    expect(row).toMatchObject({ attempts: 1 });
    expect(text()).toMatch(/redirects are not followed/);
    expect(text()).toContain(redactUrl(url));
    expect(text()).not.toMatch(/s3cr3t/);
  });

  it('never logs the URL, not even in an error that quotes it', async () => {
    t = await makeTestApp();
    const url = 'http://127.0.0.1:1/hook/s3cr3t-token';
    const { log, text } = capturedLog();
    const hooks = createWebhooks(t.meta, log, { urls: [url], baseDelayMs: 60_000, maxAttempts: 1 });
    hooks.notify('breach_opened', { id: 5 } as never, 1);
    await hooks.flush();
    expect(text()).toMatch(/webhookGaveUp/);
    expect(text()).not.toMatch(/s3cr3t/);
  });

  it('vigia-server webhook secret <url> prints the secret the server signs that URL with (real process)', async () => {
    t = await makeTestApp();
    const url = 'https://hooks.example.org/vigia/abc';
    const out = runServerCli(t.dir, ['webhook', 'secret', url]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/X-Vigia-Signature/);
    expect(out.stdout).not.toMatch(/vigia\/abc/);
    expect(out.stdout.trim().split('\n').at(-1)).toBe(webhookSecret(loadSigningKey(t.dir), url));
    const bad = runServerCli(t.dir, ['webhook', 'secret', 'ftp://x']);
    expect(bad.status).toBe(2);
  });
});
