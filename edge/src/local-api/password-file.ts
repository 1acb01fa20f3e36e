/**
 * @module local-api/password-file
 * Writes a password file: only the scrypt hash (access.ts), mode 0600, replaced atomically
 * (temp file, fsync, rename) so a power cut leaves the old hash or the new one, never none.
 * Shared by `vigia-edge passwd` and `PUT /password`: one way to set a password.
 */
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hashPassword } from './access.ts';

export const MIN_PASSWORD = 8;

/** Why `password` cannot be used, in es/en, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD)
    return `the password needs at least ${MIN_PASSWORD} characters / la contraseña necesita al menos ${MIN_PASSWORD} caracteres`;
  if (password.length > 256) return 'the password is over 256 characters / la contraseña pasa de 256 caracteres';
  return null;
}

export function writePasswordFile(file: string, password: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${hashPassword(password)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600); // the umask cannot widen it, an existing temp file neither
  renameSync(tmp, file);
}
