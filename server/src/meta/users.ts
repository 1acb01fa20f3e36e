/** @module meta/users — users (hashed passwords) and sessions (hashed ids, with expiry). */
import { InputError } from '@vigia/shared';
import type Database from 'better-sqlite3';
import type { Role } from '../auth/roles.ts';

/** `all_sites`: sees every site (`--all-sites`); otherwise only `sites` (none when empty). */
export type UserRow = { name: string; role: Role; sites: string[]; all_sites: boolean; password_hash: string };

export type UserRepo = {
  /** 409 `user_exists` when the name is taken. */
  addUser(user: UserRow, now: number): void;
  userByName(name: string): UserRow | undefined;
  createSession(idHash: string, user: string, expiresAt: number): void;
  /** The user of an unexpired session, or undefined. */
  sessionUser(idHash: string, now: number): UserRow | undefined;
  deleteSession(idHash: string): void;
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
  };

export function userRepo(db: Database.Database): UserRepo {
  const insert = db.prepare(
    'INSERT INTO users (name, role, sites, all_sites, password_hash, created_at) VALUES (@name, @role, @sites, @all_sites, @password_hash, @now)',
  );
  const byName = db.prepare('SELECT name, role, sites, all_sites, password_hash FROM users WHERE name = ?');
  const insertSession = db.prepare('INSERT INTO sessions (id_hash, user, expires_at) VALUES (?, ?, ?)');
  const bySession = db.prepare(
    `SELECT u.name, u.role, u.sites, u.all_sites, u.password_hash FROM sessions s JOIN users u ON u.name = s.user
     WHERE s.id_hash = ? AND s.expires_at > ?`,
  );
  const deleteOne = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  return {
    addUser(user, now) {
      if (byName.get(user.name)) {
        throw new InputError('user_exists', `user "${user.name}" already exists: choose another name`, 'name', 409);
      }
      insert.run({ ...user, sites: JSON.stringify(user.sites), all_sites: user.all_sites ? 1 : 0, now });
    },
    userByName: (name) => parse(byName.get(name) as Stored | undefined),
    createSession: (idHash, user, expiresAt) => void insertSession.run(idHash, user, expiresAt),
    sessionUser: (idHash, now) => parse(bySession.get(idHash, now) as Stored | undefined),
    deleteSession: (idHash) => void deleteOne.run(idHash),
    deleteExpiredSessions: (now) => void deleteExpired.run(now),
  };
}
