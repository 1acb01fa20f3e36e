/**
 * @module clock
 * Decides whether the agent's wall clock can be trusted and stamps readings accordingly. The Pi
 * has no real-time clock: after a power cut it may boot in 1970 or at the time fake-hwclock last
 * saved, with no network (docs/design.md "Invariants").
 *
 * Invariants:
 * - A reading gets an epoch `ts` only while the time is trusted. Otherwise it gets `ts: null`
 *   and keeps (boot id, monotonic ms); the buffer holds it and the forwarder never sends it.
 * - Trusted means one of (best first): `ntp` (the OS says its clock is synchronized and the wall
 *   clock is after the release), `server` (the bounds from the server's `Date` headers, see
 *   server-date.ts; the wall clock is then ignored), `wall` (only when the OS cannot tell whether
 *   it is synchronized: the wall clock is after the release and has not jumped). An OS that says
 *   "not synchronized" is not believed on plausibility alone: fake-hwclock restores a plausible
 *   but stale time after every power cut.
 * - A jump (wall − monotonic moving by more than `jumpThresholdMs` between two looks) ends trust
 *   that rests on the wall clock (`ntp`, `wall`) until a source confirms the time again; readings
 *   in between are held. Trust from the server does not rest on the wall clock and survives it.
 * - Stamps on the trusted timeline are `mono + anchor`: they never go backwards while the anchor
 *   stands. Each anchor change bigger than the threshold increments `epoch`, so the pipeline can
 *   tell a step of the timeline from a same-millisecond collision.
 * - When trust is (re)gained, `onTrusted` fires: the agent corrects the held readings then.
 */

import { boundsFromDate, intersectBounds, midpoint, type OffsetBounds } from './server-date.ts';
import type { SyncCheck, SyncState } from './sync-check.ts';

/**
 * No reading of this build can be older than this (2026-11-01T00:00:00Z): a wall clock before
 * it is wrong. A constant, not the mtime of the agent's files: files copied or unpacked on a Pi
 * whose clock is wrong carry wrong mtimes too. Bump it at each release.
 */
export const RELEASE_TIME = Date.UTC(2026, 10, 1);

export type ClockSource = 'ntp' | 'server' | 'wall' | 'none';
export type Stamp = { ts: number | null; boot: string; mono: number; epoch: number };
export type ClockStatus = {
  trusted: boolean;
  source: ClockSource;
  /** Trusted time − wall clock, ms (what `clock_offset_ms` reports); null while untrusted. */
  offset_ms: number | null;
  corrected_total: number;
  jumps: number;
  detail: string;
};

export type ClockOptions = {
  wall: () => number;
  mono: () => number;
  bootId: string;
  syncCheck?: SyncCheck;
  releaseTime?: number;
  jumpThresholdMs?: number;
  /** How often the OS sync state is asked while not synchronized (default 30 s). */
  syncCheckEveryMs?: number;
  /** The time became trusted (again); `anchor` = epoch − mono. */
  onTrusted?: (anchor: number, source: ClockSource) => void;
  onJump?: (deltaMs: number) => void;
};

export function createClock(options: ClockOptions) {
  const { wall, mono, bootId } = options;
  const release = options.releaseTime ?? RELEASE_TIME;
  const threshold = options.jumpThresholdMs ?? 2000;
  const syncEvery = options.syncCheckEveryMs ?? 30_000;
  let sync: SyncState = 'unknown';
  let lastSyncCheck = Number.NEGATIVE_INFINITY;
  let checking = false;
  let anchor: number | null = null;
  let source: ClockSource = 'none';
  let detail = 'hora aún no verificada';
  let epoch = 0;
  let jumps = 0;
  let corrected = 0;
  let jumped = false;
  let server: OffsetBounds | null = null;
  let wallAnchor = wall() - mono();
  /** Local timeline for the safety rules: never jumps, trusted or not. */
  const localAnchor = wallAnchor;

  function setAnchor(next: number, src: ClockSource, why: string): void {
    const wasTrusted = anchor !== null;
    if (anchor === null || Math.abs(next - anchor) > threshold) epoch++;
    anchor = next;
    source = src;
    detail = why;
    if (!wasTrusted) options.onTrusted?.(next, src);
  }

  function untrust(why: string): void {
    anchor = null;
    source = 'none';
    detail = why;
  }

  /** Looks at the wall clock: jump detection and trust from the OS or plausibility. */
  function tick(): void {
    const w = wall();
    const m = mono();
    const a = w - m;
    const delta = a - wallAnchor;
    wallAnchor = a;
    if (Math.abs(delta) > threshold) {
      jumps++;
      jumped = true;
      options.onJump?.(delta);
      if (source === 'ntp' || source === 'wall')
        untrust(`el reloj saltó ${Math.round(delta / 1000)} s: lecturas retenidas hasta confirmar la hora`);
    }
    const plausible = w >= release;
    if (sync === 'yes' && plausible) {
      if (source !== 'ntp') setAnchor(a, 'ntp', 'reloj sincronizado (NTP)');
      else anchor = a; // follows the OS's slewing
    } else if (source === 'wall') {
      anchor = a;
    } else if (anchor === null && sync === 'unknown' && plausible && !jumped && !server) {
      setAnchor(a, 'wall', 'reloj plausible; el sistema no informa sincronización');
    } else if (anchor === null && !plausible && !server) {
      detail = `reloj antes de la versión (${new Date(w).toISOString()}): lecturas retenidas hasta tener hora`;
    }
    if (sync !== 'yes' && options.syncCheck && !checking && m - lastSyncCheck >= syncEvery) {
      lastSyncCheck = m;
      checking = true;
      options.syncCheck().then(
        (s) => {
          checking = false;
          const changed = s !== sync;
          sync = s;
          if (changed) tick();
        },
        () => {
          checking = false;
        },
      );
    }
  }

  return {
    /** Asks the OS once and waits for it (call before the first stamp). */
    async start(): Promise<void> {
      if (options.syncCheck) {
        lastSyncCheck = mono();
        sync = await options.syncCheck().catch(() => 'unknown' as const);
      }
      tick();
    },

    tick,

    /** A stamp for a sample taken at wall time `wallTs` (default: now). */
    stamp(wallTs?: number): Stamp {
      tick();
      const m = mono();
      const at = wallTs === undefined ? m : Math.min(m, m - (wall() - wallTs));
      return { ts: anchor === null ? null : Math.round(at + anchor), boot: bootId, mono: at, epoch };
    },

    /** Time on a local timeline that never jumps (for the safety rules' durations). */
    localTime(monoMs: number = mono()): number {
      return monoMs + localAnchor;
    },

    /** A server answered: its `Date` header and when the request left and the answer came (mono). */
    observeServerDate(date: string | null | undefined, sentMono: number, recvMono: number): void {
      const b = boundsFromDate(date, sentMono, recvMono);
      if (!b) return;
      server = intersectBounds(server, b);
      if (source === 'ntp') return;
      const est = midpoint(server);
      // A plausible wall clock that agrees with the server is kept (it is finer than 1 s).
      if (source === 'wall' && Math.abs(est - (wall() - mono())) <= threshold) return;
      setAnchor(est, 'server', `hora del servidor (±${Math.ceil((server.hi - server.lo) / 2)} ms)`);
    },

    /** Whether the forwarder should ask the server for its time. */
    needsTime: () => anchor === null,
    anchor: () => anchor,
    bootId: () => bootId,
    noteCorrected(n: number): void {
      corrected += n;
    },

    status(): ClockStatus {
      return {
        trusted: anchor !== null,
        source,
        offset_ms: anchor === null ? null : Math.round(anchor - (wall() - mono())),
        corrected_total: corrected,
        jumps,
        detail,
      };
    },
  };
}
export type Clock = ReturnType<typeof createClock>;
