import { ErrorBody, LiveDevice, LiveReading } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { SESSION_TTL_MS } from '../auth/session.ts';

type SseEvent = { event?: string; id?: string; data?: string; comment?: string };

/** Reads SSE events from a Response body, one at a time. */
function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<SseEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = line.slice(1).trim();
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (m) e[m[1] as 'event' | 'id' | 'data'] = m[2];
          }
          return e;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

let t: TestApp;
let token: string;
beforeEach(async () => {
  t = await makeTestApp({ heartbeatMs: 50, ringSize: 8 });
  token = t.device('plant-01');
});
afterEach(() => t.close());

const ingest = (readings: unknown[], bearer = token, device = 'plant-01') =>
  t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ device, readings, status: { backlog: 0, dropped: 0 } }),
  });

/** The next event other than a ping. */
const nextNamed = async (sse: ReturnType<typeof sseReader>) => {
  for (;;) {
    const e = await sse.next();
    if (e.event && e.event !== 'ping') return e;
  }
};

/** The sequence number of an id `<boot>.<seq>`. */
const seq = (id: string | undefined) => Number(/^[0-9a-f]+\.(\d+)$/.exec(id ?? '')?.[1] ?? Number.NaN);

const connect = (cookie: string, lastEventId?: string) =>
  t.app.request('/api/v1/live', { headers: { cookie, ...(lastEventId && { 'last-event-id': lastEventId }) } });

describe('GET /api/v1/live', () => {
  it('sends a snapshot, then readings and device events as batches arrive, with process-wide increasing ids', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    const cookie = await t.signIn('ana');
    const res = await t.app.request('/api/v1/live', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);

    const snapshot = await nextNamed(sse);
    expect(snapshot.event).toBe('reading');
    // The snapshot is as of the last event published before the connection: the ingest's two.
    expect(seq(snapshot.id)).toBe(2);
    expect(LiveReading.parse(JSON.parse(snapshot.data!))).toEqual({
      sensor: 'plant.ph',
      ts: T0,
      value: 7,
      q: 'good',
      device: 'plant-01',
    });

    // Two readings of one sensor in a batch: only the newest is sent.
    const batch = [
      { sensor: 'plant.ph', ts: T0 + 2000, value: 8 },
      { sensor: 'plant.ph', ts: T0 + 1000, value: 9 },
    ];
    expect((await ingest(batch)).status).toBe(200);
    const reading = await nextNamed(sse);
    expect(reading.event).toBe('reading');
    expect(seq(reading.id)).toBe(3);
    expect(JSON.parse(reading.data!)).toEqual({
      sensor: 'plant.ph',
      ts: T0 + 2000,
      value: 8,
      q: 'good',
      device: 'plant-01',
    });
    const device = await nextNamed(sse);
    expect(device.event).toBe('device');
    expect(seq(device.id)).toBe(4);
    expect(device.id!.split('.')[0]).toBe(reading.id!.split('.')[0]);
    expect(LiveDevice.parse(JSON.parse(device.data!))).toEqual({
      device: 'plant-01',
      last_seen: t.clock.now(),
      status: { backlog: 0, dropped: 0 },
    });

    // A backlog batch older than what was shown does not move the gauge back.
    expect((await ingest([{ sensor: 'plant.ph', ts: T0 + 500, value: 1 }])).status).toBe(200);
    expect((await nextNamed(sse)).event).toBe('device');
    await sse.cancel();
  });

  it('sends a named ping event without an id every heartbeat period', async () => {
    const cookie = await t.signIn('ana');
    const sse = sseReader(await connect(cookie));
    const ping = await sse.next();
    expect(ping.event).toBe('ping');
    expect(ping.id).toBeUndefined();
    expect(JSON.parse(ping.data!)).toEqual({ ts: t.clock.now() });
    expect((await sse.next()).event).toBe('ping');
    await sse.cancel();
  });

  it('gives a reconnect with Last-Event-ID exactly the events it missed, and no snapshot', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    const cookie = await t.signIn('ana');
    const first = sseReader(await connect(cookie));
    await nextNamed(first); // snapshot
    expect((await ingest([{ sensor: 'plant.ph', ts: T0 + 1000, value: 8 }])).status).toBe(200);
    await nextNamed(first); // reading 3
    const seen = await nextNamed(first); // device 4
    await first.cancel();

    expect((await ingest([{ sensor: 'plant.ph', ts: T0 + 2000, value: 9 }])).status).toBe(200);
    expect((await ingest([{ sensor: 'plant.flow', ts: T0 + 2000, value: 3 }])).status).toBe(200);
    const again = sseReader(await connect(cookie, seen.id));
    const replayed = [await nextNamed(again), await nextNamed(again), await nextNamed(again), await nextNamed(again)];
    expect(replayed.map((e) => [e.event, seq(e.id)])).toEqual([
      ['reading', 5],
      ['device', 6],
      ['reading', 7],
      ['device', 8],
    ]);
    expect(JSON.parse(replayed[0].data!)).toMatchObject({ sensor: 'plant.ph', value: 9 });
    // Then live again, continuing the same numbering.
    expect((await ingest([{ sensor: 'plant.ph', ts: T0 + 3000, value: 10 }])).status).toBe(200);
    expect(seq((await nextNamed(again)).id)).toBe(9);
    await again.cancel();
  });

  it('answers an id it no longer holds, or not of this process, with a reset and a fresh snapshot', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    const cookie = await t.signIn('ana');
    const first = sseReader(await connect(cookie));
    const snapshot = await nextNamed(first);
    await first.cancel();
    // Ring of 8: five batches (10 events) push out what came after the snapshot.
    for (let i = 1; i <= 5; i++) {
      expect((await ingest([{ sensor: 'plant.ph', ts: T0 + i * 1000, value: i }])).status).toBe(200);
    }
    for (const lastEventId of [snapshot.id!, 'deadbeef.3', '3', `${snapshot.id!.split('.')[0]}.999`]) {
      const sse = sseReader(await connect(cookie, lastEventId));
      const reset = await nextNamed(sse);
      expect(reset.event, lastEventId).toBe('reset');
      expect(seq(reset.id)).toBe(12);
      expect(JSON.parse(reset.data!).reason).toMatch(/snapshot/);
      const fresh = await nextNamed(sse);
      expect(fresh).toMatchObject({ event: 'reading', id: reset.id });
      expect(JSON.parse(fresh.data!)).toMatchObject({ sensor: 'plant.ph', value: 5 });
      await sse.cancel();
    }
    // The oldest id whose successors are all still held (events 5..12) resumes without a reset.
    const held = `${snapshot.id!.split('.')[0]}.4`;
    const resumed = sseReader(await connect(cookie, held));
    const e = await nextNamed(resumed);
    expect([e.event, seq(e.id)]).toEqual(['reading', 5]);
    await resumed.cancel();
  });

  it('replays only the sites a user may see', async () => {
    const other = t.device('tunnel-01', 'tunnel-1');
    const cookie = await t.signIn('tunnel-op', 'operator', ['tunnel-1']);
    const first = sseReader(await connect(cookie));
    expect((await ingest([{ sensor: 'tunnel.co', ts: T0, value: 3 }], other, 'tunnel-01')).status).toBe(200);
    await nextNamed(first);
    const seen = await nextNamed(first);
    await first.cancel();
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    expect((await ingest([{ sensor: 'tunnel.co', ts: T0 + 1000, value: 4 }], other, 'tunnel-01')).status).toBe(200);
    const again = sseReader(await connect(cookie, seen.id));
    const e = await nextNamed(again);
    expect(JSON.parse(e.data!)).toMatchObject({ sensor: 'tunnel.co', value: 4 });
    await again.cancel();
  });

  it('unsubscribes a client that goes away, and ends streams when the hub closes', async () => {
    const cookie = await t.signIn('ana');
    const first = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    const second = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    await first.next();
    await second.next();
    expect(t.live.size).toBe(2);
    await first.cancel();
    await ingest([{ sensor: 'a', ts: T0, value: 1 }]);
    await expect.poll(() => t.live.size).toBe(1);
    t.live.close();
    await expect(async () => {
      for (;;) await second.next();
    }).rejects.toThrow('stream ended');
  });

  it('does not send a user the sensors of sites they may not see', async () => {
    const other = t.device('tunnel-01', 'tunnel-1');
    const cookie = await t.signIn('tunnel-op', 'operator', ['tunnel-1']);
    const sse = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    expect((await ingest([{ sensor: 'tunnel.co', ts: T0, value: 3 }], other, 'tunnel-01')).status).toBe(200);
    const e = await nextNamed(sse);
    expect(JSON.parse(e.data!)).toMatchObject({ sensor: 'tunnel.co', device: 'tunnel-01' });
    await sse.cancel();
  });
});

describe('GET /api/v1/live: limits and the session', () => {
  const endOf = async (sse: ReturnType<typeof sseReader>) => {
    await expect(async () => {
      for (;;) await sse.next();
    }).rejects.toThrow('stream ended');
  };

  it('caps streams per user and in total with 429 too_many_streams, and frees a slot when a stream ends', async () => {
    await t.close();
    t = await makeTestApp({ heartbeatMs: 50, liveLimits: { perUser: 2, total: 3 } });
    const ana = await t.signIn('ana');
    const luis = await t.signIn('luis');
    const a1 = sseReader(await connect(ana));
    const a2 = sseReader(await connect(ana));
    const refused = await connect(ana);
    expect(refused.status).toBe(429);
    const body = ErrorBody.parse(await refused.json());
    expect(body.error.code).toBe('too_many_streams');
    expect(body.error.message).toMatch(/2 live views.*cierre una pestaña/);
    // Another user still gets one, up to the total.
    const l1 = await connect(luis);
    expect(l1.status).toBe(200);
    const full = await connect(luis);
    expect(full.status).toBe(429);
    expect(ErrorBody.parse(await full.json()).error.message).toMatch(/server already serves 3/);
    await a1.cancel();
    await expect.poll(() => t.live.size).toBe(2);
    const again = await connect(ana);
    expect(again.status).toBe(200);
    await Promise.all([a2.cancel(), sseReader(l1).cancel(), sseReader(again).cancel()]);
  });

  it("ends a stream when its session signs out, and leaves the same user's other session streaming", async () => {
    const first = await t.signIn('ana');
    const res = await t.app.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ user: 'ana', password: 'ana-password-for-tests' }),
    });
    const second = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const s1 = sseReader(await connect(first));
    const s2 = sseReader(await connect(second));
    const out = await t.app.request('/api/v1/logout', { method: 'POST', headers: { cookie: first, origin: ORIGIN } });
    expect(out.status).toBe(200);
    await endOf(s1);
    expect(t.live.countOf('ana')).toBe(1);
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    expect((await nextNamed(s2)).event).toBe('reading');
    await s2.cancel();
  });

  it('ends a stream once its session expires (checked at each heartbeat)', async () => {
    const cookie = await t.signIn('ana');
    const sse = sseReader(await connect(cookie));
    await sse.next(); // a ping: the stream is open
    t.clock.set(t.clock.now() + SESSION_TTL_MS + 1);
    await endOf(sse);
    expect(t.live.size).toBe(0);
  });

  it("closeUser ends every stream of that user (user disabled or deleted), and no one else's", async () => {
    const ana = await t.signIn('ana');
    const luis = await t.signIn('luis');
    const a = [sseReader(await connect(ana)), sseReader(await connect(ana))];
    const l = sseReader(await connect(luis));
    await Promise.all([...a, l].map((s) => s.next()));
    t.live.closeUser('ana');
    await Promise.all(a.map(endOf));
    expect(t.live.size).toBe(1);
    expect(t.live.countOf('luis')).toBe(1);
    await l.cancel();
  });
});
