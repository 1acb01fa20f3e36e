/**
 * @module use-unacked — how many breaches nobody has acknowledged yet, for the breaches tab's
 * badge on every page (GET /api/v1/breaches/unacknowledged: one count, not a list). Fetched at
 * once, again soon after every live `breach` event (opened, acknowledged, withdrawn…) and when
 * the stream reconnects, and polled slowly as a backstop for a stream that missed something.
 * Null while unknown (never fetched, or not `enabled`: operators are not shown it).
 */
import { useEffect, useState } from 'preact/hooks';
import { unacknowledgedCount } from './api.ts';
import type { Live } from './live.ts';

const POLL_MS = 60_000;
const AFTER_EVENT_MS = 700;

export function useUnacked(live: Live, enabled: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let soon: ReturnType<typeof setTimeout> | null = null;
    // No signal: keep the last count; the next event or poll tries again.
    const load = () => unacknowledgedCount().then(setCount, () => {});
    load();
    const timer = setInterval(load, POLL_MS);
    const off = live.subscribe((event) => {
      const reconnected = event.kind === 'state' && event.state === 'open';
      if (event.kind !== 'breach' && !reconnected) return;
      if (soon) clearTimeout(soon);
      soon = setTimeout(load, AFTER_EVENT_MS);
    });
    return () => {
      off();
      clearInterval(timer);
      if (soon) clearTimeout(soon);
    };
  }, [live, enabled]);
  return enabled ? count : null;
}
