/**
 * @module driver
 * The extension interface every sensor driver implements (docs/design.md C3). The core imports only
 * these types; drivers import nothing of the core but these.
 *
 * A driver module: `schema` (the `source:` block), `instanceKey` (sensors with the same key
 * share one instance: one port, one connection), optionally `checkGroup` (config checks across
 * one instance's sensors) and `create(sensors, deps)`, which only builds.
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
import type { MqttIntake } from '../transports/mqtt-intake.ts';

/** One raw value as received, before calibration. `ts` is epoch ms at receipt. */
export type Sample = { sensor: string; ts: number; raw: number };

export type DriverDeps = {
  /** Calibrates and stores; resolves once the readings are durably committed. */
  emit(samples: Sample[]): Promise<void>;
  telemetry: Telemetry;
  clock: () => number;
  /** Retry pacing for ports and connections. */
  retry: BackoffOptions;
  /** The MQTT intake (embedded broker or client to an existing one). */
  mqtt: MqttIntake;
};

export type Driver = {
  /** e.g. `serial-line:/dev/ttyUSB1` */
  readonly id: string;
  readonly sensors: readonly string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ComponentStatus;
};

/** A problem found by `checkGroup`: `index` into the group's sensors, `key` in their `source:` block. */
export type GroupProblem = { index: number; key: string; message: string };

export type DriverModule<S extends z.ZodType = z.ZodType> = {
  schema: S;
  instanceKey(source: z.infer<S>): string;
  /**
   * Optional checks across the sensors that will share one instance (one port), run by the
   * config loader before anything opens; e.g. modbus-rtu sensors on one bus must agree on baud.
   */
  checkGroup?(sensors: readonly SensorConfig[]): GroupProblem[];
  create(sensors: readonly SensorConfig[], deps: DriverDeps): Driver;
};
