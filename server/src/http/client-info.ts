/**
 * @module http/client-info
 * Who is on the other end of a request: the client address and whether it came over https.
 * `X-Forwarded-For`/`-Proto` are believed only when the TCP peer is one of the trusted proxies
 * (VIGIA_TRUST_PROXY); from anyone else they are ignored, so a client cannot pick the address
 * the login limits count or make the server think it is loopback.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context } from 'hono';

export type ClientInfo = {
  /** The client's IP address; `local` for an in-process request (tests through `app.request()`). */
  address: string;
  /** Whether the client reached us over TLS (directly or through a trusted proxy). */
  https: boolean;
  /**
   * Whether the request came through a trusted proxy: the peer is one and it named a client in
   * X-Forwarded-For (a proxy must set it; the nginx example does). A request from the proxy's
   * host without that header is that host's own (e.g. a local metrics scraper).
   */
  proxied: boolean;
};

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is `127.0.0.1`. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** The peer address from the Node adapter, if there is a socket. */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  const a = env?.incoming?.socket?.remoteAddress;
  return a === undefined ? undefined : normalizeAddress(a);
}

export function clientInfo(c: Context, trustProxy: readonly string[] = []): ClientInfo {
  const peer = peerAddress(c);
  const direct: ClientInfo = {
    address: peer ?? 'local',
    https: new URL(c.req.url).protocol === 'https:',
    proxied: false,
  };
  if (peer === undefined || !trustProxy.includes(peer)) return direct;
  const https = forwardedHttps(c) ?? direct.https;
  const forwardedFor = c.req.header('x-forwarded-for');
  if (forwardedFor === undefined) return { ...direct, https };
  // The right-most hop not added by one of our proxies is the client; proxies append.
  const hops = forwardedFor
    .split(',')
    .map(normalizeAddress)
    .filter((h) => isIP(h) !== 0);
  let address = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i];
    if (!trustProxy.includes(hops[i])) break;
  }
  return { address, https, proxied: true };
}

/** X-Forwarded-Proto's first value as https or not; undefined when absent. */
function forwardedHttps(c: Context): boolean | undefined {
  const proto = (c.req.header('x-forwarded-proto') ?? '').split(',')[0].trim().toLowerCase();
  return proto ? proto === 'https' : undefined;
}

/** Whether `address` is this machine (127.0.0.0/8, ::1) or an in-process test request. */
export function isLoopback(address: string): boolean {
  return address === 'local' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}
