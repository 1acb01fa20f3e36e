// The password policy: length, the shipped common list (with digits or symbols around), the user's name.
import { InputError } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { checkNewPassword, commonPasswords, MIN_PASSWORD_LENGTH } from './password-policy.ts';

const refusal = (password: string, user = 'maria') => {
  try {
    checkNewPassword(password, user);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).message;
  }
};

describe('checkNewPassword', () => {
  it('ships the list: a thousand common passwords, read from server/common-passwords.txt', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(990);
    for (const p of ['123456', 'password', 'qwerty', 'iloveyou', 'dragon']) expect(list.has(p)).toBe(true);
  });

  it('refuses fewer than 12 characters, counting characters rather than UTF-16 units', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(refusal('abcdefghijk')).toMatch(/at least 12 characters.*al menos 12/);
    expect(refusal('abcdefghijkl')).toBeUndefined();
    // Eleven emoji are 22 UTF-16 units but eleven characters.
    expect(refusal('🔒'.repeat(11))).toMatch(/at least 12/);
    expect(refusal('ñandú montaña')).toBeUndefined();
  });

  it('refuses a common password, also with digits or symbols around it and in any case', () => {
    expect(refusal('qwertyuiop12')).toMatch(/most common.*más comunes/);
    expect(refusal('Password2026!')).toMatch(/most common/);
    expect(refusal('!!1234567890!!')).toMatch(/most common/);
    expect(refusal('ILOVEYOU12345')).toMatch(/most common/);
    expect(refusal('maria2026-2026', 'maria')).toMatch(/user name/);
    // A common word inside a longer phrase is fine: only the whole core is compared.
    expect(refusal('dragon in the tunnel')).toBeUndefined();
  });
});
