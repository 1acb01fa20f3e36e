/**
 * @module driver
 * The extension interface every sensor driver implements (docs/design.md C3). The core imports only
 * these types; drivers import nothing of the core but these.
 *
 * A driver module: `schema` (the `source:` block), `instanceKey` (sensors with the same key
 * share one instance: one port, one connection), optionally `device` (a local device only one
 * driver may hold), `checkGroup` (the driver's own config checks across one instance's sensors),
 * `intake` (it reads from the agent's MQTT intake, and only then gets it), and
 * `create(sensors, deps)`, which only builds. Polled sensors (`interval`) are declared in the
 * shared source registry (`SOURCES` in shared/src/config/edge.ts); polled drivers share
 * `poll-loop.ts` and its `scheduler.ts`.
 * `start()` opens and resolves once running; transient failures never throw out of it, the
 * driver retries and reports `retrying`. `stop()` stops reading, waits for in-flight readings,
 * and after it returns nothing more is emitted.
 *
 * @example
 * const drv = DRIVERS['serial-line'].create(sensorsOnTtyUSB1, deps);
 * await drv.start(); … await drv.stop();
 */
import type { BackoffOptions, ComponentStatus, SensorConfig } from '@vigia/shared';
import type { z } from 'zod';
import type { Telemetry } from '../telemetry.ts';

/** One raw value as received, before calibration. `ts` is epoch ms at receipt. */
export type Sample = { sensor: string; ts: number; raw: number };

export type DriverDeps = {
  /** Calibrates and stores; resolves once the readings are durably committed. */
  emit(samples: Sample[]): Promise<void>;
  telemetry: Telemetry;
  clock: () => number;
  /** Retry pacing for ports and connections. */
  retry: BackoffOptions;
};

export type Driver = {
  /** e.g. `serial-line:/dev/ttyUSB1` */
  readonly id: string;
  readonly sensors: readonly string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ComponentStatus;
  /**
   * Reads `source` once through this instance's own line, between its polls (`POST /probe`),
   * when the driver can; resolves with the raw value or rejects with a `ProbeError`.
   */
  probe?(source: SensorConfig['source']): Promise<{ raw: number }>;
};

/**
 * How long a probe of a line the device sends on by itself (serial-line: the next readable line;
 * mqtt: the first payload on a topic) waits: such sensors and nodes send every few seconds.
 * vigia-config's probe through the agent waits 15 s for the answer (probe/via-agent.ts).
 */
export const PROBE_WAIT_MS = 10_000;

/** Why a probe gave no value: `status` is the HTTP answer (4xx, or 504 for no answer in time). */
export class ProbeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** `line_not_held`: no running instance holds that line (vigia-config may open it itself). */
    readonly code = 'probe_failed',
  ) {
    super(message);
  }
}

/** A problem found by `checkGroup`: `index` into the group's sensors, `key` in their `source:` block. */
export type GroupProblem = { index: number; key: string; message: string };

export type DriverModule<S extends z.ZodType = z.ZodType> = {
  schema: S;
  instanceKey(source: z.infer<S>): string;
  /**
   * The local device (a serial port path) the instance holds, if any: the config loader
   * refuses one device claimed by two drivers.
   */
  device?(source: z.infer<S>): string;
  /** `mqtt`: the driver reads from the agent's MQTT intake, given to it as `deps.mqtt` (drivers/mqtt). */
  intake?: 'mqtt';
  /**
   * Optional checks across the sensors that will share one instance (one port), run by the
   * config loader before anything opens; e.g. sensors on one serial port must agree on baud.
   */
  checkGroup?(sensors: readonly SensorConfig[]): GroupProblem[];
  create(sensors: readonly SensorConfig[], deps: DriverDeps): Driver;
};
