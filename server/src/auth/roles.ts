/**
 * @module auth/roles
 * Who may do what. Read routes allow every role; later write routes name fewer.
 * The roles and the signed-in user's answer are wire shapes (shared/src/wire/users.ts).
 */
import { Role } from '@vigia/shared';
import { z } from 'zod';

export const ROLES: readonly Role[] = Role.options;

/** User names: letters, digits and `_ . @ -`, so they are safe in logs and cookies. */
export const UserName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.@-]+$/, 'use only letters, digits, "_", ".", "@" and "-"');

export const LoginRequest = z
  .object({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();
