/**
 * @module auth/roles
 * Who may do what. Read routes allow every role; later write routes name fewer.
 * (Candidates for shared/ once the dashboard needs the schemas, docs/design.md C2.)
 */
import { z } from 'zod';

export const Role = z.enum(['operator', 'officer', 'technician', 'admin']);
export type Role = z.infer<typeof Role>;
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

/** What `/login` and `/me` answer; `all_sites`: created with `--all-sites` (sees every site, `sites` empty). */
export type SessionUser = { user: string; role: Role; sites: string[]; all_sites: boolean };
