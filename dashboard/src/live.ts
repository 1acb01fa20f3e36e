/**
 * @module live — the dashboard's only EventSource (`GET /api/v1/live`).
 * Keeps the latest reading per sensor and the connection state; never aggregates. The
 * browser reconnects a dropped stream by itself; when the server refuses the stream (e.g. a
 * 401 once the session expired) the EventSource closes for good, so we open a new one after
 * a capped backoff, first asking `beforeReconnect` (the app checks the session there).
 * The server sends a `ping` event every 15 s: a stream silent for `deadAfterMs` is dead even
 * if the browser still thinks it open (a phone that lost its signal), so we open a new one.
 */
import { type BackoffOptions, backoffMs, LiveBreach, LiveDevice, LiveReading } from '@vigia/shared';
import { applyBreachEvent, type BreachRow, toBreachRow } from './compliance.ts';

export type LiveState = 'connecting' | 'open' | 'retrying';

export type LiveSnapshot = {
  state: LiveState;
  readings: ReadonlyMap<string, LiveReading>;
  devices: ReadonlyMap<string, LiveDevice>;
  /** Breaches seen on this stream (opened, updated, closed), by id; the latest version of each. */
  breaches: ReadonlyMap<string, BreachRow>;
};

export type LiveEvent =
  | { kind: 'reading'; reading: LiveReading }
  | { kind: 'device'; device: LiveDevice }
  | { kind: 'breach'; breach: BreachRow }
  | { kind: 'state'; state: LiveState };

export type Live = {
  snapshot(): LiveSnapshot;
  /** Called after every change, with what changed. Returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent, snapshot: LiveSnapshot) => void): () => void;
  close(): void;
};

export type LiveOptions = {
  url?: string;
  beforeReconnect?: () => Promise<unknown>;
  /** For tests; the browser's by default. */
  eventSource?: typeof EventSource;
  /** No event at all (pings included) for this long means the stream is dead. */
  deadAfterMs?: number;
};

/** Reopening a refused stream: 1 s, 2 s, 4 s, 8 s, then every 15 s (shared `backoffMs`). */
const RECONNECT: BackoffOptions = { baseMs: 1000, maxMs: 15_000, jitter: 0 };

/** Only the contract's fields, so an extra field from the server does not drop the event. */
function parseReading(data: string): LiveReading | null {
  try {
    const raw = JSON.parse(data) as Record<string, unknown>;
    const parsed = LiveReading.safeParse({
      sensor: raw.sensor,
      ts: raw.ts,
      value: raw.value,
      q: raw.q,
      device: raw.device,
    });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function parseDevice(data: string): LiveDevice | null {
  try {
    const raw = JSON.parse(data) as Record<string, unknown>;
    const parsed = LiveDevice.safeParse({
      device: raw.device,
      last_seen: raw.last_seen,
      status: raw.status ?? undefined,
    });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A breach event (shared `LiveBreach`): the breach as stored and what changed. */
function parseBreach(data: string): BreachRow | null {
  try {
    const parsed = LiveBreach.safeParse(JSON.parse(data));
    return parsed.success ? toBreachRow(parsed.data) : null;
  } catch {
    return null;
  }
}

export function createLive(options: LiveOptions = {}): Live {
  const url = options.url ?? '/api/v1/live';
  const Source = options.eventSource ?? EventSource;
  const listeners = new Set<(event: LiveEvent, snapshot: LiveSnapshot) => void>();
  let snap: LiveSnapshot = { state: 'connecting', readings: new Map(), devices: new Map(), breaches: new Map() };
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;
  const deadAfterMs = options.deadAfterMs ?? 40_000;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  const alive = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      watchdog = null;
      if (closed) return;
      setState('retrying');
      scheduleReopen();
    }, deadAfterMs);
  };

  const emit = (event: LiveEvent) => {
    for (const listener of listeners) listener(event, snap);
  };
  const setState = (state: LiveState) => {
    if (snap.state === state) return;
    snap = { ...snap, state };
    emit({ kind: 'state', state });
  };

  const open = () => {
    if (closed) return;
    const es = new Source(url, { withCredentials: true });
    source = es;
    alive();
    es.onopen = () => {
      attempt = 0;
      alive();
      setState('open');
    };
    es.addEventListener('ping', alive);
    // After `reset` the server sends a fresh snapshot; the newest-by-ts rule below keeps it right.
    es.addEventListener('reset', alive);
    es.onerror = () => {
      setState('retrying');
      if (es.readyState === es.CLOSED) scheduleReopen();
    };
    es.addEventListener('reading', (e) => {
      alive();
      const reading = parseReading((e as MessageEvent<string>).data);
      if (!reading) return;
      // Keep the newest by event time: a backlog batch must not replace a fresher value.
      const prev = snap.readings.get(reading.sensor);
      if (prev && prev.ts > reading.ts) return;
      const readings = new Map(snap.readings);
      readings.set(reading.sensor, reading);
      snap = { ...snap, readings };
      emit({ kind: 'reading', reading });
    });
    es.addEventListener('device', (e) => {
      alive();
      const device = parseDevice((e as MessageEvent<string>).data);
      if (!device) return;
      const devices = new Map(snap.devices);
      devices.set(device.device, device);
      snap = { ...snap, devices };
      emit({ kind: 'device', device });
    });
    es.addEventListener('breach', (e) => {
      alive();
      const breach = parseBreach((e as MessageEvent<string>).data);
      if (!breach) return;
      snap = { ...snap, breaches: applyBreachEvent(snap.breaches, breach) };
      emit({ kind: 'breach', breach });
    });
  };

  const scheduleReopen = () => {
    source?.close();
    source = null;
    if (closed || retryTimer) return;
    const delay = backoffMs(attempt, RECONNECT);
    attempt += 1;
    retryTimer = setTimeout(async () => {
      retryTimer = null;
      try {
        await options.beforeReconnect?.();
      } catch {
        // Offline or signed out: the caller has reacted; try again later unless closed.
      }
      open();
    }, delay);
  };

  // A phone that loses its signal keeps a dead stream "open" until TCP gives up; the
  // browser's offline/online events say so sooner. Back online, start a fresh stream.
  const wentOffline = () => setState('retrying');
  const cameOnline = () => {
    if (closed) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    attempt = 0;
    source?.close();
    setState('connecting');
    open();
  };
  globalThis.addEventListener?.('offline', wentOffline);
  globalThis.addEventListener?.('online', cameOnline);

  open();

  return {
    snapshot: () => snap,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      globalThis.removeEventListener?.('offline', wentOffline);
      globalThis.removeEventListener?.('online', cameOnline);
      if (retryTimer) clearTimeout(retryTimer);
      if (watchdog) clearTimeout(watchdog);
      source?.close();
      listeners.clear();
    },
  };
}
