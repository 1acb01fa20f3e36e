/**
 * @module cli/admin
 * `device add`, `device revoke`, `device rotate-token`, `sensor reassign` and `user add`: the admin subcommands scripts use. Each
 * change is written to the audit log with actor `cli`. They write meta.db only
 * (safe while the server runs: WAL and a busy timeout). A device token is printed once,
 * alone on the last line, and only its hash is stored; a password comes from stdin only.
 */
import { DeviceId, InputError, Role, SensorId, SiteId } from '@vigia/shared';
import { z } from 'zod';
import { checkNewPassword } from '../auth/password-policy.ts';
import { UserName } from '../auth/roles.ts';
import { hashPassword, hashSecret, newSecret } from '../auth/secrets.ts';
import type { Clock } from '../clock.ts';
import { parseInput } from '../http/parse-input.ts';
import type { Meta } from '../meta/meta.ts';

/** Create a device and return the lines to print; the token is the last one. */
export function addDevice(meta: Meta, clock: Clock, args: { id: string; site: string }): string[] {
  const { id, site } = parseInput(z.object({ id: DeviceId, site: SiteId }), args, 'invalid_argument', 400);
  const token = newSecret();
  meta.addDevice(id, site, hashSecret(token), clock.now());
  meta.audit('cli', 'device_added', { device: id, site }, clock.now());
  return [
    `Device "${id}" added to site "${site}".`,
    'Its token follows, shown only this once: save it in the file named by the edge config (server.token_file).',
    token,
  ];
}

/** Revoke a device's token (its edge gets 401 `token_revoked` from then on); returns the line to print. */
export function revokeDevice(meta: Meta, clock: Clock, args: { id: string }): string {
  const { id } = parseInput(z.object({ id: DeviceId }), args, 'invalid_argument', 400);
  const { revokedAt, changed } = meta.revokeDevice(id, clock.now());
  const when = new Date(revokedAt).toISOString();
  if (!changed) return `Device "${id}" was already revoked (${when}); nothing changed.`;
  meta.audit('cli', 'device_revoked', { device: id }, revokedAt);
  return `Device "${id}" revoked (${when}): its token is refused from now on. To reconnect it, give it a new token: vigia-server device rotate-token ${id}`;
}

/**
 * A new token for an existing device (lost or leaked token, replaced Pi): same id, so the
 * device keeps its sensors and history. Returns the lines to print; the token is the last one.
 */
export function rotateDeviceToken(meta: Meta, clock: Clock, args: { id: string }): string[] {
  const { id } = parseInput(z.object({ id: DeviceId }), args, 'invalid_argument', 400);
  const token = newSecret();
  meta.replaceToken(id, hashSecret(token));
  meta.audit('cli', 'device_token_rotated', { device: id }, clock.now());
  return [
    `Device "${id}" has a new token; the old one is refused from now on.`,
    'Its token follows, shown only this once: save it in the file named by the edge config (server.token_file).',
    token,
  ];
}

/**
 * `sensor reassign <id> --device <device>`: give a sensor id to the device that should own it
 * (one of another site claimed it first). Returns the lines to print: what moved, and the span
 * in which the readings under that id came from the previous owner (kept: never deleted).
 */
export function reassignSensor(meta: Meta, clock: Clock, args: { id: string; device: string }): string[] {
  const { id, device } = parseInput(z.object({ id: SensorId, device: DeviceId }), args, 'invalid_argument', 400);
  const before = meta.reassignSensor(id, device);
  if (before.device === device) return [`Sensor "${id}" already belongs to device "${device}"; nothing changed.`];
  meta.audit('cli', 'sensor_reassigned', { sensor: id, from: before.device, to: device }, clock.now());
  const since = new Date(before.first_seen).toISOString();
  const until = before.last_ts === null ? 'no reading yet' : `newest reading ${new Date(before.last_ts).toISOString()}`;
  return [
    `Sensor "${id}" moved from device "${before.device}" (site "${before.site}") to device "${device}".`,
    `Readings under "${id}" from ${since} to now (${until}) may come from "${before.device}": they are kept; check them before relying on that span.`,
    `If "${before.device}" was not meant to send "${id}", revoke it: vigia-server device revoke ${before.device}`,
  ];
}

/**
 * Create a user with a scrypt-hashed password (auth/password-policy.ts); returns the line to
 * print. A user sees the sites listed, or every site with `allSites` (never both); with neither,
 * no site at all (fail closed) until given some.
 */
export async function addUser(
  meta: Meta,
  clock: Clock,
  args: { name: string; role: string; sites: string[]; allSites?: boolean; password: string },
  actor = 'cli',
): Promise<string> {
  const { name, role, sites } = parseInput(
    z.object({ name: UserName, role: Role, sites: z.array(SiteId) }),
    { name: args.name, role: args.role, sites: args.sites },
    'invalid_argument',
    400,
  );
  const allSites = args.allSites === true;
  if (allSites && sites.length > 0) {
    throw new InputError('invalid_argument', 'give either --site (one or more) or --all-sites, not both', 'sites');
  }
  checkNewPassword(args.password, name);
  meta.addUser(
    { name, role, sites, all_sites: allSites, password_hash: await hashPassword(args.password) },
    clock.now(),
  );
  meta.audit(actor, 'user_added', { user: name, role, sites, all_sites: allSites }, clock.now());
  const scope = allSites
    ? 'for all sites'
    : sites.length > 0
      ? `for site(s) ${sites.join(', ')}`
      : 'for no site: it sees nothing until given sites (add --site <site>, or --all-sites, when creating it)';
  return `User "${name}" added with role ${role} ${scope}.`;
}
