/**
 * @module clock/server-probe
 * While the time is not trusted the forwarder has nothing to send (held readings never leave),
 * so no answer brings a `Date` header. This loop asks the server's `GET /health` (no token
 * needed) for its `Date` until the time is trusted; it never touches readings.
 */
import { type BackoffOptions, backoffMs } from '@vigia/shared';
import { sleep } from '../backoff.ts';

export type ServerProbeOptions = {
  serverUrl: string;
  needsTime: () => boolean;
  observe: (date: string | null, sentMono: number, recvMono: number) => void;
  mono: () => number;
  fetch?: typeof fetch;
  backoff?: BackoffOptions;
  /** How often to look whether time is needed while it is not (default 1 s). */
  idleMs?: number;
};

export function createServerProbe(options: ServerProbeOptions) {
  const doFetch = options.fetch ?? fetch;
  const backoff = options.backoff ?? { baseMs: 1000, maxMs: 30_000 };
  const url = new URL('/health', options.serverUrl).toString();
  const controller = new AbortController();
  let loop: Promise<void> | undefined;

  async function run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      if (!options.needsTime()) {
        attempt = 0;
        await sleep(options.idleMs ?? 1000, signal);
        continue;
      }
      const sent = options.mono();
      try {
        const res = await doFetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) });
        const recv = options.mono();
        await res.body?.cancel();
        options.observe(res.headers.get('date'), sent, recv);
        attempt = 0;
      } catch {
        // The server is away: that is the forwarder's to report; try again later.
      }
      await sleep(backoffMs(attempt++, backoff), signal);
    }
  }

  return {
    start(): void {
      loop ??= run(controller.signal);
    },
    async stop(): Promise<void> {
      controller.abort();
      await loop;
    },
  };
}
