/**
 * @module transports/http-fetch
 * The subset of `fetch` the forwarder and the clock's server probe use (one request, status,
 * `Date` header, body as text), over `node:http`/`node:https` with keep-alive. Why not the
 * global `fetch`: its first call loads undici's client and its WebAssembly HTTP parser, about
 * 20–25 MB of RSS on a Pi whose agent should stay under 80 MB. Same contract where it matters:
 * rejects on a network error with `cause.code` (ECONNREFUSED…) as undici does, and with the
 * signal's reason when aborted. Bodies: string or bytes only (what the callers send).
 * With `ca` (edge.yaml `server.ca_file`: a site CA or the server's own certificate, pinned),
 * https trusts that PEM only, instead of the system CAs; the host name is still checked.
 */
import http from 'node:http';
import https from 'node:https';

type Body = string | Uint8Array;

/** What callers read of an answer; the same names as a `Response`. */
class HttpAnswer {
  readonly ok: boolean;
  readonly headers: { get: (name: string) => string | null };
  readonly body: { cancel: () => Promise<void> };

  constructor(
    readonly status: number,
    readonly statusText: string,
    raw: http.IncomingHttpHeaders,
    private readonly text_: Promise<string>,
    cancel: () => void,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get: (name) => {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
    this.body = { cancel: async () => cancel() };
  }

  text(): Promise<string> {
    return this.text_;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text_);
  }
}

/** A `fetch` for the agent's few requests; one keep-alive agent per protocol per instance. */
export function createHttpFetch(options: { ca?: string } = {}): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 4 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 4, ...(options.ca ? { ca: options.ca } : {}) }),
  };
  function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const proto = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const signal = init.signal ?? undefined;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const req = proto.request(url, {
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string> | undefined,
        agent,
      });
      const onAbort = () => req.destroy(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      req.once('error', (err) => {
        done();
        reject(signal?.aborted ? signal.reason : Object.assign(new TypeError('fetch failed'), { cause: err }));
      });
      req.once('response', (res) => {
        const text = new Promise<string>((ok, fail) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () => {
            done();
            ok(Buffer.concat(chunks).toString('utf8'));
          });
          res.once('error', (err) => {
            done();
            fail(err);
          });
        });
        text.catch(() => undefined); // read or cancelled by the caller, never unhandled
        const answer = new HttpAnswer(res.statusCode ?? 0, res.statusMessage ?? '', res.headers, text, () =>
          res.resume(),
        );
        resolve(answer as unknown as Response);
      });
      req.end(init.body === undefined || init.body === null ? undefined : (init.body as Body));
    });
  }
  return httpFetch as typeof fetch;
}
