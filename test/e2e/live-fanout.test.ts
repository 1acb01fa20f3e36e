// 200 dashboards on one real vigia-server: every live stream receives an ingested reading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { ApiClient, type LiveEvent } from '../support/client.ts';
import { type ServerOnly, startServerOnly } from '../support/server.ts';
import { DEMO_USER } from '../support/stack.ts';

const CLIENTS = 200;
const T = 1_764_000_000_000;

let dir: string;
let server: ServerOnly;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-fanout-'));
  // All 200 streams are one user's: lift the per-user cap (routes/live.ts) for this test.
  const limit = String(CLIENTS);
  server = await startServerOnly(dir, undefined, { VIGIA_LIVE_MAX_PER_USER: limit, VIGIA_LIVE_MAX_STREAMS: limit });
});
afterAll(async () => {
  await server?.proc.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('live stream fan-out (real process)', () => {
  it(`delivers an ingested reading to each of ${CLIENTS} connected SSE clients`, { timeout: 60_000 }, async () => {
    expect((await server.ingest([{ sensor: 'plant.ph', ts: T, value: 7 }])).status).toBe(200);
    const api = new ApiClient(server.url);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    const received: LiveEvent[][] = Array.from({ length: CLIENTS }, () => []);
    const closers = await Promise.all(received.map((events) => api.live((e) => events.push(e))));
    try {
      // Each stream's snapshot arrives after it subscribed: then all are listening.
      await waitFor(
        () => received.every((events) => events.some((e) => e.event === 'reading')),
        20_000,
        () => `${received.filter((ev) => ev.length > 0).length} of ${CLIENTS} streams got their snapshot`,
      );
      expect((await server.ingest([{ sensor: 'plant.ph', ts: T + 1000, value: 7.5 }])).status).toBe(200);
      const got = (events: LiveEvent[]) =>
        events.find((e) => e.event === 'reading' && (e.data as { ts: number }).ts === T + 1000);
      await waitFor(
        () => received.every(got),
        20_000,
        () => `${received.filter(got).length} of ${CLIENTS} streams got the reading`,
      );
      const ids = new Set(received.map((events) => got(events)!.id));
      // One process-wide id for the event, the same on every stream.
      expect(ids.size).toBe(1);
      expect(received.map((events) => (got(events)!.data as { value: number }).value)).toEqual(
        Array(CLIENTS).fill(7.5),
      );
    } finally {
      for (const close of closers) close();
    }
  });
});
