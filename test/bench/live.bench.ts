/**
 * Live fan-out on the real server: 200 SSE clients connected to one vigia-server, a device
 * posting one reading at a time (POST /api/v1/ingest with its token), and the time from the
 * POST until each client has the event. Clients run in this process, so the figure includes
 * their parsing on a shared machine: an upper bound on the server's part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../services/util.ts';
import { ApiClient } from '../support/client.ts';
import { startServerOnly } from '../support/server.ts';
import { DEMO_USER } from '../support/stack.ts';
import { type Bench, percentile } from './figure.ts';

const CLIENTS = Number(process.env.BENCH_LIVE_CLIENTS ?? 200);
const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 50);
const T = 1_764_000_000_000;

export const liveBench: Bench = {
  name: 'live',
  async run(emit) {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-live-'));
    // Every client is the demo user: lift the live stream caps to the client count.
    const limit = String(CLIENTS);
    const server = await startServerOnly(dir, undefined, {
      VIGIA_LIVE_MAX_PER_USER: limit,
      VIGIA_LIVE_MAX_STREAMS: limit,
    });
    const closers: (() => void)[] = [];
    try {
      const api = new ApiClient(server.url);
      await api.login(DEMO_USER.user, DEMO_USER.password);
      const sentAt = new Map<number, number>();
      const latencies: number[] = [];
      const lastPerRound: number[] = [];
      const got = new Map<number, number>();
      for (let c = 0; c < CLIENTS; c++) {
        closers.push(
          await api.live((e) => {
            if (e.event !== 'reading') return;
            const ts = (e.data as { ts: number }).ts;
            const t0 = sentAt.get(ts);
            if (t0 === undefined) return;
            latencies.push(performance.now() - t0);
            got.set(ts, (got.get(ts) ?? 0) + 1);
          }),
        );
      }
      // Warm-up reading: every client has it once all are subscribed.
      const warm = T - 1000;
      sentAt.set(warm, performance.now());
      await server.ingest([{ sensor: 'bench.live', ts: warm, value: 0 }]);
      await waitFor(
        () => (got.get(warm) ?? 0) === CLIENTS,
        30_000,
        () => `warm-up reached ${got.get(warm)} clients`,
      );
      latencies.length = 0;

      for (let i = 0; i < ROUNDS; i++) {
        const ts = T + i * 1000;
        sentAt.set(ts, performance.now());
        const res = await server.ingest([{ sensor: 'bench.live', ts, value: i }]);
        if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
        await waitFor(
          () => (got.get(ts) ?? 0) === CLIENTS,
          10_000,
          () => `round ${i}: ${got.get(ts)} of ${CLIENTS}`,
          1,
        );
        lastPerRound.push(performance.now() - sentAt.get(ts)!);
        await new Promise((r) => setTimeout(r, 20));
      }
      latencies.sort((a, b) => a - b);
      lastPerRound.sort((a, b) => a - b);
      const note = `${CLIENTS} SSE clients, ${ROUNDS} single-reading batches via POST /api/v1/ingest, ${latencies.length} deliveries; time from POST to receipt`;
      const round = (x: number) => Number(x.toFixed(1));
      emit({ name: 'live.sse_delivery_p50', value: round(percentile(latencies, 50)), unit: 'ms', note });
      emit({ name: 'live.sse_delivery_p99', value: round(percentile(latencies, 99)), unit: 'ms', note });
      emit({
        name: 'live.sse_last_client_p50',
        value: round(percentile(lastPerRound, 50)),
        unit: 'ms',
        note: 'per batch, until the last of the clients had it (median over batches)',
      });
    } finally {
      for (const close of closers) close();
      await server.proc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
