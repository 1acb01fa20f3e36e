import type Database from 'better-sqlite3';
import type { ReadingColumns } from '../store.ts';

/** The bulk column read of one sensor over [from, to) on `db` (see column-reader.mjs). */
export function columnReader(db: Database.Database): (sensor: string, from: number, to: number) => ReadingColumns;
