/**
 * @module drivers/unit-book
 * What a polled Modbus instance (modbus-rtu: one port; modbus-tcp: one host and port) books about
 * its polls, written once for both drivers: per-unit counts of readings and of polls that gave
 * none, the problems that make its status detail, the readings it emits and the errors it
 * reports (`driver:<id>` or `driver:<id>#<unit>`), the poll loop's entries, and the instance's
 * start/stop/status. Each driver keeps only what differs: how a request goes out on its line and
 * which causes make a unit silent.
 *
 * Must never: emit a reading from registers that do not decode (counted as a sensor problem and
 * reported, no reading); let one sensor's bad decode mark its whole unit as failing; let the
 * instance's `stop` return before every emit has finished (nothing is emitted after it).
 */
import {
  DEFAULT_POLL_INTERVAL_MS,
  decodeRegisters,
  InputError,
  REGISTERS_PER_TYPE,
  type RegisterType,
  type SensorConfig,
  type WordOrder,
} from '@vigia/shared';
import type { StatusTracker } from '../status.ts';
import { type Driver, type DriverDeps, type GroupProblem, ProbeError, type Sample } from './driver.ts';
import type { ScheduleEntry } from './scheduler.ts';

/** The fields of a modbus-rtu or modbus-tcp source that the book reads. */
export type UnitSource = { unit_id: number; register: number; type: RegisterType; word_order: WordOrder };

/** The poll loop's entries: each sensor's unit, polled at its own `interval`. */
export function pollEntries(sensors: readonly SensorConfig[]): ScheduleEntry[] {
  return sensors.map((s) => ({
    unit: (s.source as UnitSource).unit_id,
    intervalMs: Math.max(1, s.interval ?? DEFAULT_POLL_INTERVAL_MS),
  }));
}

/** A sensor whose value would run past register 65535, or undefined (both drivers' `checkGroup`). */
export function registerRangeProblem(sensor: SensorConfig, index: number): GroupProblem | undefined {
  const src = sensor.source as UnitSource;
  const needs = REGISTERS_PER_TYPE[src.type];
  if (src.register + needs - 1 <= 0xffff) return undefined;
  return {
    index,
    key: 'register',
    message: `sensor ${sensor.id}: a ${src.type} needs ${needs} registers, so it cannot start at register ${src.register} (the last register is 65535)`,
  };
}

/** The detail for registers that do not decode as the sensor's `type` (the book's polls and `probeUnit`, both drivers). */
export function decodeDetail(sensor: string, source: UnitSource, code: string): string {
  return `el sensor ${sensor} (unidad ${source.unit_id}, registro ${source.register}) entrega un valor no válido (${code}) — revise type y word_order`;
}

/**
 * A probe (`POST /probe`) of a Modbus instance, both drivers: `request` (one read on its line)
 * runs between two polls (poll-loop.ts `probe`), 409 with `notOpen()` when the line is not open;
 * registers give the value, or a 422 when they do not decode as `source.type`; any other
 * outcome is the driver's own, worded by `failed`.
 */
export async function probeUnit<X extends { kind: string; registers?: ArrayLike<number> }>(
  pollLoop: { probe<T>(fn: () => Promise<T>): Promise<T> },
  source: UnitSource,
  request: () => Promise<{ exchange: X }>,
  notOpen: () => string,
  failed: (exchange: X) => ProbeError,
): Promise<{ raw: number }> {
  let exchange: X;
  try {
    ({ exchange } = await pollLoop.probe(request));
  } catch {
    throw new ProbeError(409, notOpen());
  }
  if (exchange.kind !== 'registers' || !exchange.registers) throw failed(exchange);
  const r = decodeRegisters(exchange.registers, source.type, source.word_order);
  if (!r.ok) throw new ProbeError(422, decodeDetail('(probe)', source, r.code));
  return { raw: r.value };
}

type Startable = { start(): void | Promise<void>; stop(): Promise<void> };

export type UnitBookOptions<C> = {
  /** The instance id, e.g. `modbus-tcp:10.0.0.5:502`. */
  id: string;
  /** Where the units are, for messages: `10.0.0.5:502`, `/dev/ttyUSB0`. */
  where: string;
  unitIds: readonly number[];
  /** Fresh counts for one unit, all at 0. */
  zero(): C;
  /** The poll status (the line's own status is the driver's). */
  status: StatusTracker;
  deps: Pick<DriverDeps, 'emit' | 'telemetry'>;
};

export function createUnitBook<C extends { readings: number }>(options: UnitBookOptions<C>) {
  const { id, where, unitIds, status, deps } = options;
  const counts = new Map<number, C>(unitIds.map((u) => [u, options.zero()]));
  const unitProblems = new Map<number, string>();
  const sensorProblems = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();

  function report(err: Error, unit?: number): void {
    deps.telemetry.report(err, unit === undefined ? `driver:${id}` : `driver:${id}#${unit}`, 'receive');
  }

  function emit(samples: Sample[]): void {
    const p = deps.emit(samples).catch((err) => {
      deps.telemetry.report(err, `driver:${id}`, 'process');
    });
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
  }

  return {
    counts: counts as ReadonlyMap<number, C>,
    report,
    /** Counts of one unit (every unit id of the instance has them from the start). */
    unitCount: (unit: number) => counts.get(unit) as C,
    /** The unit answered (registers or an exception): it is no longer failing. */
    unitAnswered(unit: number): void {
      unitProblems.delete(unit);
    },
    /** The unit gave no usable reply; `detail` goes in the status until it answers again. */
    unitFailed(unit: number, detail: string): void {
      unitProblems.set(unit, detail);
    },
    /** One sensor's reply was unusable (its unit answered); shown until it reads again. */
    sensorFailed(sensor: string, detail: string): void {
      sensorProblems.set(sensor, detail);
    },
    /** Books registers read for `sensor`: a reading, or a sensor problem if they do not decode. */
    registers(sensor: string, source: UnitSource, registers: ArrayLike<number>, at: number): 'answered' {
      const unit = source.unit_id;
      const r = decodeRegisters(registers, source.type, source.word_order);
      if (!r.ok) {
        sensorProblems.set(sensor, decodeDetail(sensor, source, r.code));
        report(
          new InputError(
            `decode_${r.code}`,
            `sensor ${sensor}: unit ${unit} register ${source.register} on ${where} not usable as ${source.type} (${r.code})`,
          ),
          unit,
        );
        return 'answered';
      }
      sensorProblems.delete(sensor);
      (counts.get(unit) as C).readings++;
      emit([{ sensor, ts: at, raw: r.value }]);
      return 'answered';
    },
    /** Sets the poll status from the problems booked so far. */
    refreshStatus(): void {
      const all = [...unitProblems.values(), ...sensorProblems.values()];
      if (all.length) status.set('retrying', all.join('; '));
      else status.set('ok', `leyendo ${where} (unidades ${unitIds.join(', ')})`);
    },
    /**
     * The instance's `start`, `stop` and `status` over its poll loop and its line (a serial port,
     * a TCP connection): `stop` ends the loop and the line, then waits for every emit, so nothing
     * is emitted after it returns; the status is the line's until it is up, then the polls'.
     */
    lifecycle(
      pollLoop: Startable,
      line: Startable,
      lineStatus: StatusTracker,
    ): Pick<Driver, 'start' | 'stop' | 'status'> {
      return {
        async start() {
          pollLoop.start();
          await line.start();
        },
        async stop() {
          const ended = pollLoop.stop();
          await line.stop();
          await ended;
          await Promise.all(inFlight);
          lineStatus.set('stopped', 'detenido');
        },
        status: () => (lineStatus.get().state === 'ok' ? status.get() : lineStatus.get()),
      };
    },
  };
}
