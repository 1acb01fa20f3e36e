/**
 * @module compliance/webhook-signing
 * Each webhook request carries `X-Vigia-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact
 * body bytes with that webhook's own secret, so a receiver can tell Vigía's notifications from
 * anyone else's. The secret of a URL is HMAC-SHA256(server key, URL): one random key per server
 * (`<data_dir>/webhook-signing.key`, 32 bytes, created on first use with mode 0600) gives every
 * URL a different secret without storing any; `vigia-server webhook secret <url>` prints it for
 * the receiver's side. Deleting the key file changes every secret (rotation). Neither the key
 * nor a secret is ever logged; `redactUrl` is what logs show of a URL (its path or query may
 * itself be a secret, e.g. a chat service's incoming-hook URL).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNATURE_HEADER = 'x-vigia-signature';
export const KEY_FILE = 'webhook-signing.key';

/** The server's signing key from `dataDir`, created (32 random bytes, mode 0600) when missing. */
export function loadSigningKey(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  // `wx`: two processes starting at once never overwrite each other's key.
  try {
    writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  }
}

/** The secret a receiver at `url` checks signatures with (base64url, 43 characters). */
export function webhookSecret(key: Buffer, url: string): string {
  return createHmac('sha256', key).update(url, 'utf8').digest('base64url');
}

/** The header value for `body` sent to a webhook with `secret`: `sha256=<hex>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a log may show of a webhook URL: scheme, host and port only. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}
