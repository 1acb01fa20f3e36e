/**
 * @module use-live — opens the live stream for as long as the calling component is mounted
 * and re-renders it at most every `throttleMs` (many sensors × one event per second would
 * otherwise redraw a cheap tablet's screen constantly).
 */
import { useEffect, useState } from 'preact/hooks';
import { me } from './api.ts';
import { createLive, type Live, type LiveSnapshot } from './live.ts';

export function useLive(throttleMs = 250): { live: Live; snapshot: LiveSnapshot } {
  // The session check before a reopen turns an expired session into the login form.
  const [live] = useState(() => createLive({ beforeReconnect: me }));
  const [snapshot, setSnapshot] = useState(live.snapshot);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = live.subscribe((event) => {
      // Connection changes show at once; values are batched.
      if (event.kind === 'state') {
        setSnapshot(live.snapshot());
        return;
      }
      timer ??= setTimeout(() => {
        timer = null;
        setSnapshot(live.snapshot());
      }, throttleMs);
    });
    // The stream may have opened between the first render and this effect.
    setSnapshot(live.snapshot());
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
      live.close();
    };
  }, [live, throttleMs]);
  return { live, snapshot };
}
