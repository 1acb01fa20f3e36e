/** @module test/e2e/support/readings — what reached the server: its readings.db, read-only, and its devices. */
import Database from 'better-sqlite3';
import { ApiClient } from '../../support/client.ts';
import { DEMO_USER, type Stack } from '../../support/stack.ts';

export type StoredRow = { sensor: string; ts: number; value: number };

/** Every reading the server stored, or [] before the store file exists. */
export function storedRows(stack: Pick<Stack, 'readingsDb'>, where = ''): StoredRow[] {
  let db: Database.Database;
  try {
    db = new Database(stack.readingsDb, { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db.prepare(`SELECT sensor, ts, value FROM readings ${where}`).all() as StoredRow[];
  } finally {
    db.close();
  }
}

/** How many times each value was stored. */
export function countByValue(rows: readonly StoredRow[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) out.set(r.value, (out.get(r.value) ?? 0) + 1);
  return out;
}

export type EdgeStatusLite = {
  buffer: { pending: number; live?: number; backlog?: number; dropped: number; last_drop: unknown };
  forwarder: { state: string; backlog_rate?: number; eta_s?: number | null };
};

export async function edgeStatus(stack: Pick<Stack, 'apiUrl'>): Promise<EdgeStatusLite> {
  const res = await fetch(`${stack.apiUrl}/status`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as EdgeStatusLite;
}

export async function edgeMetrics(stack: Stack): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
  return res.text();
}

export type DeviceView = { id: string; backlog: number | null; dropped: number | null };

export async function devices(stack: Stack): Promise<DeviceView[]> {
  const api = new ApiClient(stack.serverUrl);
  await api.login(DEMO_USER.user, DEMO_USER.password);
  return (await api.get<{ devices: DeviceView[] }>('/api/v1/devices')).devices;
}
