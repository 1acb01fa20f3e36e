/**
 * @module http/security-headers
 * The response headers every answer carries (dashboard, API, errors): a Content-Security-Policy
 * that allows no inline script or style and nothing from other origins, no framing, no MIME
 * sniffing, and no Referer to other origins. Hono's `secureHeaders` sets them; HSTS is left to
 * the TLS proxy (server/deploy/nginx/vigia.conf), since the server itself may be plain http on
 * a LAN. A route that sets its own policy keeps it (the compliance report: one self-contained
 * page with its inline stylesheet and no script at all), but it never allows framing.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // The dashboard's favicon is `data:,` (no request).
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
  strictTransportSecurity: false,
  // Headers a route set itself stay as they are.
  overwrite: false,
});

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await headers(c, next);
    const csp = c.res.headers.get('content-security-policy');
    if (csp && !/frame-ancestors/.test(csp)) {
      c.res.headers.set('content-security-policy', `${csp}; frame-ancestors 'none'`);
    }
  };
}
