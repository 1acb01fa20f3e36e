import { describe, expect, it } from 'vitest';
import { type ClockSource, createClock } from './clock.ts';
import { boundsFromDate, intersectBounds, midpoint } from './server-date.ts';
import type { SyncState } from './sync-check.ts';

const RELEASE = Date.UTC(2026, 10, 1);
const REAL = Date.UTC(2026, 10, 29, 12, 0, 0);

/** An injected clock: `t` is monotonic ms since boot, `wallOffset` what the wall clock adds. */
function fake(opts: { wallAt0: number; sync?: SyncState }) {
  const env = { t: 1000, wallAt0: opts.wallAt0, sync: opts.sync ?? ('unknown' as SyncState) };
  const trusted: { anchor: number; source: ClockSource }[] = [];
  const clock = createClock({
    wall: () => env.wallAt0 + env.t,
    mono: () => env.t,
    bootId: 'boot-a',
    releaseTime: RELEASE,
    syncCheck: async () => env.sync,
    syncCheckEveryMs: 0,
    onTrusted: (anchor, source) => trusted.push({ anchor, source }),
  });
  return { env, clock, trusted };
}

describe('clock keeper (simulated wall, monotonic and sync clocks)', () => {
  it('a wall clock before the release is not trusted: stamps are held (boot, mono)', async () => {
    const { env, clock } = fake({ wallAt0: Date.UTC(1970, 0, 1) });
    await clock.start();
    env.t = 5000;
    expect(clock.stamp()).toMatchObject({ ts: null, boot: 'boot-a', mono: 5000 });
    expect(clock.status()).toMatchObject({ trusted: false, source: 'none', offset_ms: null });
    expect(clock.needsTime()).toBe(true);
  });

  it('a plausible clock is trusted only when the OS cannot say it is not synchronized', async () => {
    const unknown = fake({ wallAt0: REAL });
    await unknown.clock.start();
    expect(unknown.clock.status()).toMatchObject({ trusted: true, source: 'wall', offset_ms: 0 });
    const notSynced = fake({ wallAt0: REAL, sync: 'no' }); // fake-hwclock: plausible but stale
    await notSynced.clock.start();
    expect(notSynced.clock.status().trusted).toBe(false);
    const synced = fake({ wallAt0: REAL, sync: 'yes' });
    await synced.clock.start();
    expect(synced.clock.status()).toMatchObject({ trusted: true, source: 'ntp' });
  });

  it("the server's Date header gives the time, within ±1 s, and fires onTrusted once", async () => {
    const wrongBy = -365 * 86_400_000;
    const { env, clock, trusted } = fake({ wallAt0: REAL + wrongBy });
    await clock.start();
    env.t = 10_000;
    // The server answered 40 ms into a 80 ms round trip; its clock read REAL + 10_000 + 40 (+ 0.7 s fraction).
    const serverNow = REAL + 10_040 + 700;
    const date = new Date(Math.floor(serverNow / 1000) * 1000).toUTCString();
    env.t = 10_080;
    clock.observeServerDate(date, 10_000, 10_080);
    expect(trusted).toHaveLength(1);
    expect(trusted[0].source).toBe('server');
    const s = clock.stamp();
    expect(Math.abs((s.ts ?? 0) - (REAL + 10_080 + 700))).toBeLessThanOrEqual(1000);
    expect(Math.abs((clock.status().offset_ms ?? 0) + wrongBy)).toBeLessThanOrEqual(1000);
    clock.observeServerDate(date, 10_000, 10_080);
    expect(trusted).toHaveLength(1);
  });

  it('a jump of the wall clock ends trust that rests on it; server trust survives it', async () => {
    const { env, clock } = fake({ wallAt0: REAL });
    await clock.start();
    const before = clock.stamp();
    env.wallAt0 -= 3_600_000; // NTP-less step back by an hour
    env.t += 1000;
    const after = clock.stamp();
    expect(after.ts).toBeNull();
    expect(clock.status()).toMatchObject({ trusted: false, jumps: 1 });
    clock.observeServerDate(new Date(REAL + env.t).toUTCString(), env.t - 10, env.t);
    const again = clock.stamp();
    expect(again.ts).not.toBeNull();
    expect(again.epoch).not.toBe(before.epoch);
    env.wallAt0 += 7_200_000;
    env.t += 1000;
    expect(clock.stamp().ts).not.toBeNull(); // trust from the server does not rest on the wall clock
  });

  it('the local timeline never jumps', async () => {
    const { env, clock } = fake({ wallAt0: REAL });
    await clock.start();
    const a = clock.localTime(env.t);
    env.wallAt0 -= 3_600_000;
    env.t += 500;
    clock.tick();
    expect(clock.localTime(env.t) - a).toBe(500);
  });
});

describe('server date bounds', () => {
  it('narrow across answers and never exclude the truth', () => {
    const truthOffset = 1_000_000_123; // epoch − mono
    let b = null as ReturnType<typeof intersectBounds> | null;
    for (let i = 0; i < 20; i++) {
      const sent = 1000 + i * 737;
      const recv = sent + 30;
      const serverAt = sent + 15 + truthOffset;
      const one = boundsFromDate(new Date(Math.floor(serverAt / 1000) * 1000).toUTCString(), sent, recv);
      if (!one) throw new Error('no bounds');
      b = intersectBounds(b, one);
      expect(b.lo).toBeLessThanOrEqual(truthOffset);
      expect(b.hi).toBeGreaterThanOrEqual(truthOffset);
    }
    if (!b) throw new Error('no bounds');
    expect(b.hi - b.lo).toBeLessThan(100);
    expect(Math.abs(midpoint(b) - truthOffset)).toBeLessThan(50);
    expect(boundsFromDate('not a date', 0, 1)).toBeNull();
    expect(boundsFromDate(null, 0, 1)).toBeNull();
  });
});
