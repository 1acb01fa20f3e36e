/** @module use-now — a clock on the server's time that ticks every `everyMs`, for staleness. */
import { useEffect, useState } from 'preact/hooks';
import { serverNow } from './api.ts';

export function useNow(everyMs: number): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
