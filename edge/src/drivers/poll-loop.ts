/**
 * @module drivers/poll-loop
 * The loop of a polled driver instance (modbus-rtu: one serial port; modbus-tcp: one
 * connection): asks the scheduler (`scheduler.ts`) which sensor is due, waits for its slot,
 * polls it, and books the outcome. One poll at a time; the clock is passed in.
 *
 * Must never: poll while the line is down (it sleeps until `wake()`, called when the line
 * opens, or `stop`); blame a unit for a lost line (`lost` polls again once reopened, without
 * settling the slot); poll after `stop` resolves.
 *
 * Probes (`POST /probe` through the agent): `probe(fn)` queues one request that runs between two
 * polls, on the same line, never concurrently with a poll; it wakes a nap so it runs at once.
 * One probe delays the sensors' polls by at most one request (one slot); the grid of each sensor
 * is kept, so a late poll does not shift its cadence. A probe never settles a unit's health.
 */
import { createScheduler, type PollOutcome, type ScheduleEntry, type SchedulerTuning } from './scheduler.ts';

export type PollLoopOptions = {
  entries: readonly ScheduleEntry[];
  tuning: SchedulerTuning;
  clock: () => number;
  /** Whether requests can be sent now (port open, connected). */
  isOpen(): boolean;
  /** Polls sensor `index`: the unit answered, was silent, or the line was lost meanwhile. */
  poll(index: number): Promise<PollOutcome | 'lost'>;
  /** Called after each settled poll (e.g. to refresh the status). */
  afterPoll?(): void;
  /** Silence kept between two requests (RTU's inter-frame gap); 0 by default. */
  gapMs?: number;
};

export function createPollLoop(options: PollLoopOptions) {
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wakeNap: (() => void) | undefined;
  const probes: (() => Promise<void>)[] = [];

  /** Sleeps `ms`, or less if woken (the line opened) or stopped. */
  function nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (wakeNap === done) wakeNap = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeNap = done;
    });
  }

  async function run(): Promise<void> {
    const scheduler = createScheduler(options.entries, options.clock(), options.tuning);
    while (!stopped) {
      if (!options.isOpen()) {
        await nap(60_000);
        continue;
      }
      const probe = probes.shift();
      if (probe) {
        await probe();
        if (options.gapMs) await nap(options.gapMs);
        continue;
      }
      const next = scheduler.next();
      const waitMs = next.at - options.clock();
      if (waitMs > 0) {
        await nap(waitMs);
        continue;
      }
      const outcome = await options.poll(next.index);
      if (stopped) break;
      if (outcome === 'lost') continue; // not the unit's fault: poll it again once the line is back
      scheduler.settle(next.index, outcome, options.clock());
      options.afterPoll?.();
      if (options.gapMs) await nap(options.gapMs);
    }
  }

  return {
    /** Starts polling (the scheduler's grid starts now). */
    start(): void {
      loop = run();
    },
    /** The line opened: poll without waiting for the current nap to end. */
    wake(): void {
      wakeNap?.();
    },
    /**
     * Stops polling at once; the promise resolves once the poll in flight (if any) has ended.
     * A driver closes its line before awaiting it, so that poll ends as `lost` without waiting.
     */
    stop(): Promise<void> {
      stopped = true;
      wakeNap?.();
      return loop ?? Promise.resolve();
    },
    isStopped: () => stopped,
    /**
     * Runs `fn` (one request on the line) between two polls; rejects at once when the line is
     * not open or the loop is stopped. Probes queue one behind the other.
     */
    probe<T>(fn: () => Promise<T>): Promise<T> {
      if (stopped || !options.isOpen()) return Promise.reject(new Error('the line is not open'));
      return new Promise<T>((resolve, reject) => {
        probes.push(() => fn().then(resolve, reject));
        wakeNap?.();
      });
    },
  };
}
