import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLive, type LiveEvent } from './live.ts';

/** A stand-in for the browser's EventSource: only what live.ts uses (Node has none). */
class FakeSource {
  static instances: FakeSource[] = [];
  readonly CLOSED = 2;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.instances.push(this);
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close() {
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(name: string, data: unknown) {
    for (const fn of this.listeners.get(name) ?? []) fn({ data: JSON.stringify(data) });
  }
  fail(permanently: boolean) {
    this.readyState = permanently ? 2 : 0;
    this.onerror?.();
  }
}

const reading = (ts: number, value: number) => ({ sensor: 'plant.ph', device: 'plant-01', ts, value, q: 'good' });
const T0 = 1_764_000_000_000;

describe('createLive (with a stand-in EventSource)', () => {
  beforeEach(() => {
    FakeSource.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const start = (beforeReconnect?: () => Promise<unknown>) =>
    createLive({ eventSource: FakeSource as unknown as typeof EventSource, beforeReconnect });

  it('keeps the latest reading per sensor and the connection state', () => {
    const live = start();
    const events: LiveEvent['kind'][] = [];
    live.subscribe((e) => events.push(e.kind));
    expect(live.snapshot().state).toBe('connecting');
    const es = FakeSource.instances[0]!;
    expect(es.url).toBe('/api/v1/live');
    es.open();
    es.send('reading', reading(T0, 7.1));
    es.send('reading', { ...reading(T0 + 1000, 7.2), extra: 'ignored' });
    expect(live.snapshot().state).toBe('open');
    expect(live.snapshot().readings.get('plant.ph')?.value).toBe(7.2);
    expect(events).toEqual(['state', 'reading', 'reading']);
    live.close();
  });

  it('does not let an older (backlog) reading replace a newer one, and drops malformed events', () => {
    const live = start();
    const es = FakeSource.instances[0]!;
    es.send('reading', reading(T0 + 5000, 7.5));
    es.send('reading', reading(T0, 6.0));
    es.send('reading', { sensor: 'plant.ph', ts: 'soon', value: 1 });
    es.send('reading', 'not json at all');
    expect(live.snapshot().readings.get('plant.ph')?.value).toBe(7.5);
    live.close();
  });

  it('says retrying on an error and opens a new stream after a backoff when the old one closed', async () => {
    const check = vi.fn(async () => ({}));
    const live = start(check);
    const first = FakeSource.instances[0]!;
    first.open();
    first.fail(false); // the browser reconnects this one by itself
    expect(live.snapshot().state).toBe('retrying');
    expect(FakeSource.instances).toHaveLength(1);
    first.fail(true); // refused (e.g. 401): closed for good
    await vi.advanceTimersByTimeAsync(1000);
    expect(check).toHaveBeenCalledOnce();
    expect(FakeSource.instances).toHaveLength(2);
    FakeSource.instances[1]!.open();
    expect(live.snapshot().state).toBe('open');
    live.close();
  });

  it('opens nothing more after close', async () => {
    const live = start();
    FakeSource.instances[0]!.fail(true);
    live.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSource.instances).toHaveLength(1);
  });

  it('treats a stream silent past the ping deadline as dead and opens a new one', async () => {
    const live = start();
    const first = FakeSource.instances[0]!;
    first.open();
    await vi.advanceTimersByTimeAsync(30_000);
    first.send('ping', { now: T0 });
    await vi.advanceTimersByTimeAsync(30_000); // 30 s after the last ping: still alive
    expect(FakeSource.instances).toHaveLength(1);
    expect(live.snapshot().state).toBe('open');
    await vi.advanceTimersByTimeAsync(11_000); // 41 s of silence: dead
    expect(live.snapshot().state).toBe('retrying');
    expect(first.readyState).toBe(first.CLOSED);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSource.instances).toHaveLength(2);
    live.close();
  });

  it('keeps breach events by id: opened, then closed, and a withdrawn one leaves', () => {
    const live = start();
    const kinds: LiveEvent['kind'][] = [];
    live.subscribe((e) => kinds.push(e.kind));
    const es = FakeSource.instances[0]!;
    es.open();
    // The live event's data as the server sends it (shared `LiveBreach`, here without `change`).
    const breach = {
      id: 3,
      permit: 'vert',
      permit_version: 1,
      site: 's',
      rule: 'ph',
      sensor: 'plant.ph',
      severity: 'breach',
      start: T0,
      opened_ts: T0,
      end: null,
      closed_by: null,
      peak: 10.2,
      peak_ts: T0,
      duration_ms: 0,
      out_of_bounds_ms: 0,
      exceedance: 0,
      limit: 9,
      unit: 'pH',
      availability: null,
      state: 'open',
      withdrawn_at: null,
      withdrawn_reason: null,
      withdrawn_detail: null,
      merged_into: null,
      acknowledged: null,
    };
    es.send('breach', { ...breach, change: 'opened' });
    expect(live.snapshot().breaches.get('3')?.end).toBeNull();
    es.send('breach', { ...breach, end: T0 + 60_000, change: 'closed' });
    expect(live.snapshot().breaches.get('3')?.end).toBe(T0 + 60_000);
    es.send('breach', { not: 'a breach' });
    // camelCase is not the wire shape: no longer read as a duration.
    const { duration_ms: _, ...camel } = breach;
    es.send('breach', { ...camel, id: 4, durationMs: 0, change: 'opened' });
    expect(live.snapshot().breaches.has('4')).toBe(false);
    es.send('breach', { ...breach, change: 'withdrawn' });
    expect(live.snapshot().breaches.size).toBe(0);
    expect(kinds).toEqual(['state', 'breach', 'breach', 'breach']);
    live.close();
  });
});
