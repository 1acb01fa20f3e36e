/**
 * @module link
 * What `/status` (and `vigia-config status`) says about the link to the server: encrypted or
 * not, whom it trusts, and a warning when the device token goes in clear to another machine
 * (`server.allow_insecure: true`). The config already refuses plain http to a non-loopback
 * address without that key (shared config/edge.ts), so the warning is the only case left.
 */
import { type EdgeConfig, isLoopbackUrl } from '@vigia/shared';

export type LinkStatus = { encrypted: boolean; trust: 'system' | 'ca_file' | 'loopback' | 'none'; warning?: string };

export function linkStatus(server: EdgeConfig['server']): LinkStatus {
  if (server.url.startsWith('https:')) return { encrypted: true, trust: server.ca_file ? 'ca_file' : 'system' };
  if (isLoopbackUrl(server.url)) return { encrypted: false, trust: 'loopback' };
  return {
    encrypted: false,
    trust: 'none',
    warning:
      'el token del dispositivo viaja sin cifrar (server.allow_insecure: true): use https:// con server.ca_file / the device token travels in clear: use https:// with server.ca_file',
  };
}
