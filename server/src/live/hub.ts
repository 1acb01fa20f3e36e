/**
 * @module live/hub
 * In-process fan-out of live events to SSE clients. Publishing never blocks and never
 * throws: each subscriber gets events through its own callback and keeps its own queue.
 * `close` tells every subscriber to finish (server shutdown).
 */
import type { LiveDevice, LiveReading } from '@vigia/shared';

export type LiveEvent =
  | { event: 'reading'; site: string; data: LiveReading }
  | { event: 'device'; site: string; data: LiveDevice };

export type LiveSubscriber = { onEvent(e: LiveEvent): void; onClose(): void };

export type LiveHub = {
  publish(e: LiveEvent): void;
  /** Returns the unsubscribe function (idempotent). */
  subscribe(s: LiveSubscriber): () => void;
  readonly size: number;
  close(): void;
};

export function createLiveHub(): LiveHub {
  const subscribers = new Set<LiveSubscriber>();
  let closed = false;
  return {
    publish(e) {
      for (const s of subscribers) s.onEvent(e);
    },
    subscribe(s) {
      if (closed) {
        queueMicrotask(() => s.onClose());
        return () => {};
      }
      subscribers.add(s);
      return () => {
        subscribers.delete(s);
      };
    },
    get size() {
      return subscribers.size;
    },
    close() {
      closed = true;
      for (const s of subscribers) s.onClose();
      subscribers.clear();
    },
  };
}
