/**
 * @module auth/password-policy
 * What a new password must be (OWASP ASVS 4.0 level 1, V2.1): at least 12 characters, and not
 * one of the 1,000 most common passwords (`server/common-passwords.txt`, the
 * "10-million-password-list-top-1000" of the public SecLists collection), nor one of them with
 * only digits or symbols around it ("password2026!"), nor the user's own name. Checked where a
 * password is set (`vigia-server user add`), never at login: existing users keep signing in.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '@vigia/shared';

export const MIN_PASSWORD_LENGTH = 12;

const LIST_FILE = new URL('../../common-passwords.txt', import.meta.url);

let common: Set<string> | undefined;
/** The shipped list, lower-cased (read once). */
export function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
  );
  return common;
}

/** Throw InputError `password_weak` (Spanish and English) when `password` may not be set for `user`. */
export function checkNewPassword(password: string, user: string): void {
  // Characters as a person counts them (code points), not UTF-16 units.
  if ([...password.normalize('NFC')].length < MIN_PASSWORD_LENGTH) {
    throw new InputError(
      'password_weak',
      `the password needs at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words are easy to remember (la contraseña necesita al menos ${MIN_PASSWORD_LENGTH} caracteres; unas palabras sin relación son fáciles de recordar)`,
      'password',
    );
  }
  // The password as typed, without the symbols around it, and without digits and symbols around it.
  const lower = password.toLowerCase();
  const bare = lower.replace(/^[\W_]+|[\W_]+$/gu, '');
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
  const list = commonPasswords();
  if (list.has(lower) || list.has(bare) || list.has(core) || core === user.toLowerCase()) {
    throw new InputError(
      'password_weak',
      'this password is among the most common ones, or is the user name with digits added: choose another (esta contraseña es de las más comunes, o es el nombre de usuario con números: elija otra)',
      'password',
    );
  }
}
