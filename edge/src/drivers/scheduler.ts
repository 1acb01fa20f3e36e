/**
 * @module drivers/scheduler
 * Which sensor of one polled driver instance to poll next, and when: shared by the polled
 * drivers (modbus-rtu: one RS-485 port; modbus-tcp: one connection to a host and port), each
 * of which sends one request at a time. Pure (the clock is passed in).
 *
 * Invariants:
 * - Each sensor keeps its own cadence on a fixed grid (start + k·interval). A poll served late
 *   keeps the grid; one served a whole interval late skips the missed slots instead of
 *   bursting to catch up.
 * - A unit that gives no valid answer `backoffAfter` times in a row is polled less often:
 *   its sensors' slots are skipped until `retryAt`, which grows from `backoffMinMs` doubling up
 *   to `backoffMaxMs` (the shared `backoffMs`, without jitter). A skipped slot costs the line nothing, so a dead unit never slows the
 *   others; it only costs one request timeout per backoff period.
 * - Any answer from a unit (registers or an exception) ends its backoff at once.
 */
import { backoffMs } from '@vigia/shared';

export type SchedulerTuning = {
  /** Consecutive silent polls before a unit is backed off. */
  backoffAfter: number;
  backoffMinMs: number;
  backoffMaxMs: number;
};

/** `answered`: the unit replied (data or exception). `silent`: timeout, damaged or garbled reply. */
export type PollOutcome = 'answered' | 'silent';

export type ScheduleEntry = { unit: number; intervalMs: number };

export type UnitHealth = { failures: number; retryAt: number };

export function createScheduler(entries: readonly ScheduleEntry[], startMs: number, tuning: SchedulerTuning) {
  const due = entries.map(() => startMs);
  const units = new Map<number, UnitHealth>(entries.map((e) => [e.unit, { failures: 0, retryAt: 0 }]));
  const health = (i: number) => units.get(entries[i].unit) as UnitHealth;
  const effectiveDue = (i: number) => Math.max(due[i], health(i).retryAt);

  return {
    /** The sensor to poll next (index into `entries`) and the time it is due. */
    next(): { index: number; at: number } {
      let index = 0;
      for (let i = 1; i < entries.length; i++) if (effectiveDue(i) < effectiveDue(index)) index = i;
      return { index, at: effectiveDue(index) };
    },

    /** Record the poll of sensor `index`, finished at `nowMs`. */
    settle(index: number, outcome: PollOutcome, nowMs: number): void {
      const { intervalMs } = entries[index];
      const late = Math.max(0, nowMs - due[index]);
      due[index] += intervalMs * (Math.floor(late / intervalMs) + 1);
      const unit = health(index);
      if (outcome === 'answered') {
        unit.failures = 0;
        unit.retryAt = 0;
        return;
      }
      unit.failures++;
      if (unit.failures >= tuning.backoffAfter) {
        const attempt = unit.failures - tuning.backoffAfter;
        unit.retryAt =
          nowMs + backoffMs(attempt, { baseMs: tuning.backoffMinMs, maxMs: tuning.backoffMaxMs, jitter: 0 });
      }
    },

    unit: (unit: number): UnitHealth | undefined => units.get(unit),
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
