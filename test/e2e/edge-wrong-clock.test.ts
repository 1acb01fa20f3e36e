/**
 * Fault test: the Pi boots with a wrong clock (two years in the past, as after a power cut
 * without a real-time clock) and no network. The agent is a real process whose wall clock is
 * shifted by the `VIGIA_EDGE_FAKE_CLOCK_OFFSET_MS` test hook; the server is a real process
 * started only later. Readings taken meanwhile are held (boot id + monotonic ms), never sent
 * with the wrong time; once the server answers, its `Date` header gives the time and the server
 * stores every reading at the real time it was taken (±2 s), marked `uncertain`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { startPublisher } from './support/publisher.ts';
import { devices } from './support/readings.ts';

const WRONG_BY_MS = -2 * 365 * 86_400_000;
const COUNT = 20;

type Row = { ts: number; value: number; q: string };
function rows(stack: Stack): Row[] {
  try {
    const db = new Database(stack.readingsDb, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT ts, value, q FROM readings WHERE sensor = 'clock.t' ORDER BY ts").all() as Row[];
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

type ClockStatus = { clock?: { trusted: boolean; source: string; offset_ms: number | null; corrected_total: number } };
const status = async (s: Stack) =>
  (await (await fetch(`${s.apiUrl}/status`)).json()) as ClockStatus & { buffer: { pending: number; held?: number } };

let dir: string;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: wrong clock at start, then the correct time (separate processes)', () => {
  it('holds readings while the clock is wrong and the server stores them at their real time, uncertain', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-clock-'));
    stack = await startStack({
      dir,
      simulator: false,
      server: false,
      edgeEnv: { VIGIA_EDGE_FAKE_CLOCK_OFFSET_MS: String(WRONG_BY_MS) },
      sensors: () => [
        { id: 'clock.t', quantity: 'temperature', unit: 'degC', source: { driver: 'mqtt', topic: 'clock/t' } },
      ],
    });
    const s = stack;
    const before = await status(s);
    expect(before.clock).toMatchObject({ trusted: false, source: 'none', offset_ms: null });

    const publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: () => 'clock/t',
      ratePerS: 10,
      count: COUNT,
    });
    await publisher.done();
    await waitFor(
      async () => (await status(s)).buffer.held === COUNT,
      10_000,
      () => `readings not held:\n${s.edge.log().slice(-2000)}`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the readings age; nothing may leave
    expect((await status(s)).buffer.held).toBe(COUNT);

    await s.startServer();
    await waitFor(
      () => rows(s).length === COUNT,
      20_000,
      () => `${rows(s).length} of ${COUNT} readings stored:\n${s.edge.log().slice(-3000)}`,
      100,
    );
    const stored = rows(s);
    const errors = stored.map((r) => r.ts - (publisher.sentAt.get(r.value) ?? Number.NaN));
    const after = await status(s);
    const view = (await devices(s)).find((d) => d.id === 'plant-01') as { clock_offset_ms?: number | null } | undefined;
    console.log(
      `wrong clock by ${WRONG_BY_MS / 86_400_000} days: ${COUNT} readings held, then stored with errors ` +
        `${Math.min(...errors)}..${Math.max(...errors)} ms; clock ${JSON.stringify(after.clock)}`,
    );
    expect(stored.every((r) => r.q === 'uncertain')).toBe(true);
    expect(errors.every((e) => Math.abs(e) <= 2000)).toBe(true);
    expect(stored.map((r) => r.value)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1)); // order kept
    expect(after.clock).toMatchObject({ trusted: true, source: 'server', corrected_total: COUNT });
    expect(Math.abs((after.clock?.offset_ms ?? 0) + WRONG_BY_MS)).toBeLessThanOrEqual(2000);
    expect(after.buffer).toMatchObject({ pending: 0, held: 0 });
    // The server shows the offset the edge reported.
    expect(view?.clock_offset_ms).toEqual(expect.any(Number));
    expect(Math.abs((view?.clock_offset_ms ?? 0) + WRONG_BY_MS)).toBeLessThan(2000);
  }, 120_000);
});
