/**
 * @module meta/users — users (hashed passwords) and sessions (hashed ids, with expiry).
 * Invariant: a disabled user has no session (`updateUser` with `disabled_at` and
 * `deleteSessionsOf` are called together, auth/user-changes.ts) and `sessionUser` never answers
 * one anyway, so a session cannot outlive its user's disabling or removal.
 */

import type { Role } from '@vigia/shared';
import { InputError } from '@vigia/shared';
import type Database from 'better-sqlite3';

/** `all_sites`: sees every site (`--all-sites`); otherwise only `sites` (none when empty). */
export type UserRow = {
  name: string;
  role: Role;
  sites: string[];
  all_sites: boolean;
  password_hash: string;
  /** Null while the user may sign in. */
  disabled_at?: number | null;
  created_at?: number;
};

export type UserChange = Partial<Pick<UserRow, 'role' | 'sites' | 'all_sites' | 'password_hash' | 'disabled_at'>>;

export type UserRepo = {
  /** 409 `user_exists` when the name is taken. */
  addUser(user: UserRow, now: number): void;
  userByName(name: string): UserRow | undefined;
  /** Every user, by name. */
  listUsers(): UserRow[];
  /** Changes the fields given; false when there is no such user. */
  updateUser(name: string, change: UserChange): boolean;
  /** Deletes the user and its sessions; false when there is no such user. */
  removeUser(name: string): boolean;
  createSession(idHash: string, user: string, expiresAt: number): void;
  /** The user of an unexpired session, or undefined (also for a disabled user). */
  sessionUser(idHash: string, now: number): UserRow | undefined;
  deleteSession(idHash: string): void;
  /** Ends every session of `user` but `keep` (the caller's own, on a password change); returns how many. */
  deleteSessionsOf(user: string, keep?: string): number;
  deleteExpiredSessions(now: number): void;
};

type Stored = Omit<UserRow, 'sites' | 'all_sites'> & { sites: string; all_sites: number };
const parse = (row: Stored | undefined): UserRow | undefined =>
  row && {
    name: row.name,
    role: row.role,
    sites: JSON.parse(row.sites) as string[],
    all_sites: row.all_sites === 1,
    password_hash: row.password_hash,
    disabled_at: row.disabled_at ?? null,
    created_at: row.created_at,
  };

const COLUMNS = 'name, role, sites, all_sites, password_hash, disabled_at, created_at';

export function userRepo(db: Database.Database): UserRepo {
  const insert = db.prepare(
    'INSERT INTO users (name, role, sites, all_sites, password_hash, created_at) VALUES (@name, @role, @sites, @all_sites, @password_hash, @now)',
  );
  const byName = db.prepare(`SELECT ${COLUMNS} FROM users WHERE name = ?`);
  const all = db.prepare(`SELECT ${COLUMNS} FROM users ORDER BY name`);
  const insertSession = db.prepare('INSERT INTO sessions (id_hash, user, expires_at) VALUES (?, ?, ?)');
  const bySession = db.prepare(
    `SELECT u.name, u.role, u.sites, u.all_sites, u.password_hash, u.disabled_at, u.created_at
     FROM sessions s JOIN users u ON u.name = s.user
     WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
  );
  const deleteOne = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const deleteOf = db.prepare('DELETE FROM sessions WHERE user = ? AND id_hash IS NOT ?');
  const deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  const deleteUser = db.prepare('DELETE FROM users WHERE name = ?');
  const update = db.prepare(
    `UPDATE users SET
       role = coalesce(@role, role),
       sites = coalesce(@sites, sites),
       all_sites = coalesce(@all_sites, all_sites),
       password_hash = coalesce(@password_hash, password_hash),
       disabled_at = CASE WHEN @set_disabled THEN @disabled_at ELSE disabled_at END
     WHERE name = @name`,
  );
  return {
    addUser(user, now) {
      if (byName.get(user.name)) {
        throw new InputError('user_exists', `user "${user.name}" already exists: choose another name`, 'name', 409);
      }
      insert.run({
        name: user.name,
        role: user.role,
        password_hash: user.password_hash,
        sites: JSON.stringify(user.sites),
        all_sites: user.all_sites ? 1 : 0,
        now,
      });
    },
    userByName: (name) => parse(byName.get(name) as Stored | undefined),
    listUsers: () => (all.all() as Stored[]).map((r) => parse(r)!),
    updateUser: (name, c) =>
      update.run({
        name,
        role: c.role ?? null,
        sites: c.sites === undefined ? null : JSON.stringify(c.sites),
        all_sites: c.all_sites === undefined ? null : c.all_sites ? 1 : 0,
        password_hash: c.password_hash ?? null,
        set_disabled: c.disabled_at === undefined ? 0 : 1,
        disabled_at: c.disabled_at ?? null,
      }).changes > 0,
    removeUser: db.transaction((name: string) => {
      deleteOf.run(name, null);
      return deleteUser.run(name).changes > 0;
    }),
    createSession: (idHash, user, expiresAt) => void insertSession.run(idHash, user, expiresAt),
    sessionUser: (idHash, now) => parse(bySession.get(idHash, now) as Stored | undefined),
    deleteSession: (idHash) => void deleteOne.run(idHash),
    deleteSessionsOf: (user, keep) => deleteOf.run(user, keep ?? null).changes,
    deleteExpiredSessions: (now) => void deleteExpired.run(now),
  };
}
