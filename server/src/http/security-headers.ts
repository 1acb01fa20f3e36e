/**
 * @module http/security-headers
 * The response headers every answer carries (dashboard, API, report): a Content-Security-Policy
 * that allows no inline script and nothing from other origins, no framing, no MIME sniffing,
 * and no Referer to other origins. Hono's `secureHeaders` sets them; HSTS is left to the TLS
 * proxy (server/deploy/nginx/vigia.conf), since the server itself may be plain http on a LAN.
 * The one inline block allowed is the report's own stylesheet, by its hash (reports/html.ts
 * inlines REPORT_CSS so the page stays a single self-contained file).
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { REPORT_CSS } from '../reports/html-style.ts';

const reportStyleHash = `'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'`;

export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", reportStyleHash],
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
  });
}
