import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from './http-fetch.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpFetch', () => {
  it('posts bytes with headers and reads status, Date header and body', async () => {
    let got: { method?: string; auth?: string; body?: string } = {};
    const url = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got = {
          method: req.method,
          auth: req.headers.authorization,
          body: gunzipSync(Buffer.concat(chunks)).toString(),
        };
        res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"bad"}');
      });
    });
    const res = await createHttpFetch()(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-encoding': 'gzip' },
      body: gzipSync('{"a":1}'),
    });
    expect(got).toEqual({ method: 'POST', auth: 'Bearer t', body: '{"a":1}' });
    expect([res.ok, res.status, typeof res.headers.get('Date'), res.headers.get('x-none')]).toEqual([
      false,
      422,
      'string',
      null,
    ]);
    expect(await res.text()).toBe('{"error":"bad"}');
  });

  it('rejects with cause.code when nobody listens, and with the reason when aborted', async () => {
    const url = await listen(() => undefined); // never answers
    const err = await createHttpFetch()('http://127.0.0.1:1/', {}).catch((e) => e);
    expect(err.cause.code).toBe('ECONNREFUSED');
    const aborted = await createHttpFetch()(url, { signal: AbortSignal.timeout(50) }).catch((e) => e);
    expect(aborted.name).toBe('TimeoutError');
    server?.closeAllConnections();
  });

  it('ok and cancel for a 2xx', async () => {
    const url = await listen((_req, res) => res.end('x'.repeat(100_000)));
    const res = await createHttpFetch()(url);
    expect(res.ok).toBe(true);
    await res.body?.cancel();
  });
});
