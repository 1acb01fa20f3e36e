/**
 * @module reports/slots
 * The cap on heavy reads of stored history that one server runs at once: compliance reports
 * (reports/route.ts) and permit previews (routes/preview.ts) share one pool, so neither can
 * starve the other's users or ingest of both cores. Beyond the cap: 429 with Retry-After.
 */
import { RateLimitedError } from '../auth/rate-limit.ts';

/** Reports and previews produced at once by one server; a year of a 1 Hz sensor takes seconds of both cores. */
export const MAX_RUNNING_REPORTS = 2;
const RETRY_AFTER_S = 10;

export type HeavySlots = {
  /** Runs `work` in a slot, or throws 429 `too_many_reports` when every slot is taken. */
  run<T>(work: () => Promise<T>): Promise<T>;
};

export function createHeavySlots(max = MAX_RUNNING_REPORTS): HeavySlots {
  let running = 0;
  return {
    async run(work) {
      if (running >= max) {
        throw new RateLimitedError(
          `${max} reports or previews are being produced; try again in ${RETRY_AFTER_S} s ` +
            `(se están generando ${max} informes o vistas previas; reintente en ${RETRY_AFTER_S} s)`,
          RETRY_AFTER_S,
          'too_many_reports',
        );
      }
      running++;
      try {
        return await work();
      } finally {
        running--;
      }
    },
  };
}
