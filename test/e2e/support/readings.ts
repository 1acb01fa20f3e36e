/** @module test/e2e/support/readings — what reached the server: its readings.db, read-only, and its devices. */
import Database from 'better-sqlite3';
import { waitFor } from '../../services/util.ts';
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

export type Delivery = {
  rows: StoredRow[];
  /** Acknowledged values not stored. */
  missing: number[];
  /** Values stored more than once. */
  twice: number[];
  /** Rows whose value was never published (not an integer in 1..published). */
  invented: StoredRow[];
  /** Rows stored under another sensor than the one the value was published for. */
  misfiled: StoredRow[];
  /** How many distinct values were stored. */
  distinct: number;
};

/**
 * Waits (up to `timeoutMs`, default 60 s) until every acknowledged value is among the stored rows
 * (`where`, e.g. "WHERE sensor LIKE 'arm.%'") and the agent's buffer is empty; then those rows.
 * `log` adds the agent's log to the timeout message.
 */
export async function storedOnceAcked(
  site: Pick<Stack, 'readingsDb' | 'apiUrl'>,
  acked: readonly number[],
  opts: { where?: string; timeoutMs?: number; intervalMs?: number; log?: () => string } = {},
): Promise<StoredRow[]> {
  const missing = () => {
    const have = countByValue(storedRows(site, opts.where));
    return acked.filter((v) => !have.has(v));
  };
  await waitFor(
    async () => missing().length === 0 && (await edgeStatus(site)).buffer.pending === 0,
    opts.timeoutMs ?? 60_000,
    () => {
      const left = missing();
      return `${left.length} of ${acked.length} acknowledged readings never reached the server, e.g. ${left.slice(0, 10)}:\n${opts.log?.() ?? ''}`;
    },
    opts.intervalMs ?? 100,
  );
  return storedRows(site, opts.where);
}

/**
 * `storedOnceAcked`, then sorts what was stored. The kill -9 tests' verdict: `missing`, `twice`,
 * `invented` and `misfiled` must all be empty.
 */
export async function settleDelivery(
  stack: Stack,
  acked: readonly number[],
  published: number,
  sensorOf: (value: number) => string,
): Promise<Delivery> {
  const rows = await storedOnceAcked(stack, acked, { log: () => stack.edge.log().slice(-3000) });
  const counts = countByValue(rows);
  return {
    rows,
    missing: acked.filter((v) => !counts.has(v)),
    twice: [...counts].filter(([, n]) => n > 1).map(([v]) => v),
    invented: rows.filter((r) => !Number.isInteger(r.value) || r.value < 1 || r.value > published),
    misfiled: rows.filter((r) => r.sensor !== sensorOf(r.value)),
    distinct: counts.size,
  };
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
