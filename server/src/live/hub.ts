/**
 * @module live/hub
 * In-process fan-out of live events to SSE clients. Publishing never blocks and never
 * throws: each subscriber gets events through its own callback and keeps its own queue.
 * Invariants:
 * - every published event gets an id `<boot>.<seq>`: `seq` counts up across the process
 *   (not per connection), `boot` is random per hub, so an id from before a restart is
 *   never mistaken for one of this process;
 * - the last `ringSize` events are kept; a subscriber that names the id it saw last gets
 *   exactly the events after it (`missed`), or `undefined` when some are gone or the id is
 *   not ours, and must then start from a fresh snapshot.
 * - a subscriber may name its owner (user and session): `closeUser`/`closeSession` finish
 *   exactly that owner's streams (user disabled or deleted, logout), and `countOf` says how
 *   many a user holds (the live route's per-user cap).
 * `close` tells every subscriber to finish (server shutdown).
 */
import { randomBytes } from 'node:crypto';
import type { LiveBreach, LiveDevice, LiveReading } from '@vigia/shared';

export type LiveEvent =
  | { event: 'reading'; site: string; data: LiveReading }
  | { event: 'device'; site: string; data: LiveDevice }
  | { event: 'breach'; site: string; data: LiveBreach };

/** A published event with its process-wide id. */
export type StampedEvent = LiveEvent & { id: string };

export type LiveSubscriber = { onEvent(e: StampedEvent): void; onClose(): void };

/** Whose stream a subscription is: the signed-in user and the hash of their session id. */
export type LiveOwner = { user: string; session: string };

export type Subscription = {
  /** Stop receiving events (idempotent). */
  unsubscribe(): void;
  /** The events after `lastEventId`, oldest first; `undefined` when they cannot all be replayed. */
  missed: StampedEvent[] | undefined;
  /** The id of the newest event published before this subscription: what a snapshot is "as of". */
  cursor: string;
};

export type LiveHub = {
  publish(e: LiveEvent): void;
  /** Subscribe; with `lastEventId`, also get what was missed since (synchronously, so nothing falls between). */
  subscribe(s: LiveSubscriber, lastEventId?: string, owner?: LiveOwner): Subscription;
  readonly size: number;
  /** How many subscriptions `user` holds now. */
  countOf(user: string): number;
  /** Finish every stream of `user` (disabled, deleted, password changed). */
  closeUser(user: string): void;
  /** Finish the streams of one session (logout). */
  closeSession(session: string): void;
  close(): void;
};

export const DEFAULT_RING_SIZE = 5000;

export function createLiveHub(options: { ringSize?: number } = {}): LiveHub {
  const ringSize = options.ringSize ?? DEFAULT_RING_SIZE;
  const boot = randomBytes(4).toString('hex');
  const subscribers = new Map<LiveSubscriber, LiveOwner | undefined>();
  const finish = (match: (o: LiveOwner) => boolean) => {
    for (const [s, o] of subscribers) {
      if (!o || !match(o)) continue;
      subscribers.delete(s);
      s.onClose();
    }
  };
  // ring[(seq - 1) % ringSize] holds event `seq` while seq > lastSeq - ringSize.
  const ring: StampedEvent[] = [];
  let lastSeq = 0;
  let closed = false;

  const idOf = (seq: number) => `${boot}.${seq}`;
  const missedAfter = (lastEventId: string): StampedEvent[] | undefined => {
    const m = /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId.trim());
    if (!m || m[1] !== boot) return undefined;
    const seen = Number(m[2]);
    const oldestKept = lastSeq - Math.min(lastSeq, ringSize) + 1;
    if (seen > lastSeq || seen < oldestKept - 1) return undefined;
    const out: StampedEvent[] = [];
    for (let seq = seen + 1; seq <= lastSeq; seq++) out.push(ring[(seq - 1) % ringSize]);
    return out;
  };

  return {
    publish(e) {
      const stamped = { ...e, id: idOf(++lastSeq) };
      ring[(lastSeq - 1) % ringSize] = stamped;
      for (const s of subscribers.keys()) s.onEvent(stamped);
    },
    subscribe(s, lastEventId, owner) {
      const cursor = idOf(lastSeq);
      const missed = lastEventId === undefined ? undefined : missedAfter(lastEventId);
      if (closed) {
        queueMicrotask(() => s.onClose());
        return { unsubscribe: () => {}, missed, cursor };
      }
      subscribers.set(s, owner);
      return {
        unsubscribe: () => {
          subscribers.delete(s);
        },
        missed,
        cursor,
      };
    },
    get size() {
      return subscribers.size;
    },
    countOf(user) {
      let n = 0;
      for (const o of subscribers.values()) if (o?.user === user) n++;
      return n;
    },
    closeUser: (user) => finish((o) => o.user === user),
    closeSession: (session) => finish((o) => o.session === session),
    close() {
      closed = true;
      for (const s of subscribers.keys()) s.onClose();
      subscribers.clear();
    },
  };
}
