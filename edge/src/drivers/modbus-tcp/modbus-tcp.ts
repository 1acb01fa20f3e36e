/**
 * @module drivers/modbus-tcp
 * Sensors read over Modbus TCP (FC03 holding, FC04 input registers) from meters, PLCs and
 * RS-485 gateways on the plant's Ethernet. One instance per `host:port`: one connection, one
 * request in flight, every sensor and unit id behind it polled at its own `interval` by the
 * shared poll loop and scheduler (`../poll-loop.ts`, `../scheduler.ts`), as modbus-rtu polls
 * one serial port.
 *
 * Must never: let a dead host delay another (each host and port is its own instance, its own
 * connection and loop); let a dead unit behind a live host stall the others for more than one
 * request `timeout` per backoff period (a unit that keeps failing is backed off by skipping its
 * slots); emit a reading without a valid reply (timeouts, garbled replies and exceptions are
 * counted per unit and give no reading); throw out of `start` (a refused or lost connection is
 * made again with the shared backoff); emit after `stop` returns.
 */
import {
  ConfigError,
  FUNCTION_CODES,
  InputError,
  type ModbusTcpSource,
  type SensorConfig,
  TransientError,
} from '@vigia/shared';
import { createStatus } from '../../status.ts';
import { type Driver, type DriverDeps, type DriverModule, type GroupProblem, ProbeError } from '../driver.ts';
import { createPollLoop } from '../poll-loop.ts';
import type { PollOutcome, SchedulerTuning } from '../scheduler.ts';
import { createUnitBook, pollEntries, probeUnit, registerRangeProblem } from '../unit-book.ts';
import { createTcpConnection, type Exchange } from './connection.ts';
import { REGISTERS_PER_TYPE } from './decode.ts';
import * as msg from './messages.ts';
import { schema } from './schema.ts';

export type ModbusTcpTuning = SchedulerTuning & { connectTimeoutMs: number };

/**
 * Two silent polls in a row start a unit's backoff: 1 s, doubling, at most 30 s between tries
 * (as modbus-rtu). 5 s to connect: a host that drops packets gives no refusal.
 */
export const DEFAULT_TUNING: Readonly<ModbusTcpTuning> = {
  backoffAfter: 2,
  backoffMinMs: 1000,
  backoffMaxMs: 30_000,
  connectTimeoutMs: 5000,
};

/** Per unit id: valid readings, and polls that gave none, by cause. */
export type UnitCounts = { readings: number; timeout: number; garbled: number; exception: number };

export type ModbusTcpDriver = Driver & { unitCounts(): ReadonlyMap<number, Readonly<UnitCounts>> };

type Poll = { sensor: string; source: ModbusTcpSource; count: number; functionCode: number };

/** Checks over the sensors of one host and port, before anything opens (also run by the config loader). */
export function checkGroup(sensors: readonly SensorConfig[]): GroupProblem[] {
  const problems: GroupProblem[] = [];
  sensors.forEach((s, index) => {
    const range = registerRangeProblem(s, index);
    if (range) problems.push(range);
  });
  return problems;
}

export function create(
  sensors: readonly SensorConfig[],
  deps: DriverDeps,
  tuning: Readonly<ModbusTcpTuning> = DEFAULT_TUNING,
): ModbusTcpDriver {
  const problems = checkGroup(sensors);
  if (problems.length) throw new ConfigError(problems.map((p) => p.message).join('\n'));
  const { host, port } = sensors[0].source as ModbusTcpSource;
  const id = `modbus-tcp:${host}:${port}`;
  const polls: Poll[] = sensors.map((s) => {
    const source = s.source as ModbusTcpSource;
    return {
      sensor: s.id,
      source,
      count: REGISTERS_PER_TYPE[source.type],
      functionCode: FUNCTION_CODES[source.function],
    };
  });
  const unitIds = [...new Set(polls.map((p) => p.source.unit_id))].sort((a, b) => a - b);
  const connStatus = createStatus(`conectando a ${host}:${port}`, deps.clock);
  const book = createUnitBook<UnitCounts>({
    id,
    where: `${host}:${port}`,
    unitIds,
    zero: () => ({ readings: 0, timeout: 0, garbled: 0, exception: 0 }),
    status: createStatus(`leyendo ${host}:${port}`, deps.clock),
    deps,
  });
  const { report } = book;
  const pollLoop = createPollLoop({
    entries: pollEntries(sensors),
    tuning,
    clock: deps.clock,
    isOpen: () => conn.isOpen(),
    async poll(index) {
      const poll = polls[index];
      const { source } = poll;
      const expect = { functionCode: poll.functionCode, count: poll.count };
      const { exchange, at } = await conn.request(
        source.unit_id,
        source.function,
        source.register,
        poll.count,
        expect,
        source.timeout,
      );
      if (pollLoop.isStopped() || exchange.kind === 'conn_lost') return 'lost';
      return settle(poll, exchange, at);
    },
    afterPoll: () => book.refreshStatus(),
  });

  const conn = createTcpConnection({
    host,
    port,
    retry: deps.retry,
    connectTimeoutMs: tuning.connectTimeoutMs,
    clock: deps.clock,
    status: connStatus,
    onError: (err) => report(err),
    onStray: (tid) => {
      if (!pollLoop.isStopped())
        report(
          new TransientError(
            'modbus_stray',
            `${host}:${port}: reply with transaction id ${tid} and no request waiting (late, after its timeout)`,
          ),
        );
    },
    onOpen: () => {
      book.refreshStatus();
      pollLoop.wake();
    },
  });

  /** Books one poll's outcome: a reading, or counted errors and a status detail. */
  function settle(poll: Poll, exchange: Exchange, at: number): PollOutcome {
    const { source, sensor } = poll;
    const unit = source.unit_id;
    const count = book.unitCount(unit);
    switch (exchange.kind) {
      case 'registers':
        book.unitAnswered(unit);
        return book.registers(sensor, source, exchange.registers, at);
      case 'exception': {
        count.exception++;
        report(new InputError('modbus_exception', msg.exceptionLog(sensor, source, exchange.exception)), unit);
        // 10/11: the gateway answers for a unit that does not: the unit is as good as silent.
        if (exchange.exception === 10 || exchange.exception === 11) {
          book.unitFailed(unit, msg.exceptionDetail(source, exchange.exception));
          return 'silent';
        }
        book.unitAnswered(unit);
        book.sensorFailed(sensor, msg.exceptionDetail(source, exchange.exception));
        return 'answered';
      }
      case 'garbled':
        count.garbled++;
        book.unitFailed(unit, msg.garbledDetail(source));
        report(new TransientError('modbus_garbled', msg.garbledLog(source), { stage: 'receive' }), unit);
        return 'silent';
      default:
        count.timeout++;
        book.unitFailed(unit, msg.timeoutDetail(source));
        report(new TransientError('modbus_timeout', msg.timeoutLog(source), { stage: 'receive' }), unit);
        return 'silent';
    }
  }

  return {
    id,
    sensors: polls.map((p) => p.sensor),
    ...book.lifecycle(pollLoop, conn, connStatus),
    unitCounts: () => book.counts,
    /**
     * `POST /probe`: one request on this connection between two polls (poll-loop.ts); a late
     * reply is told apart by its transaction id, so it is never taken for the probe's.
     */
    async probe(given) {
      const source = given as ModbusTcpSource;
      const count = REGISTERS_PER_TYPE[source.type];
      const expect = { functionCode: FUNCTION_CODES[source.function], count };
      return probeUnit(
        pollLoop,
        source,
        () => conn.request(source.unit_id, source.function, source.register, count, expect, source.timeout),
        () => `${host}:${port} is not connected now: ${connStatus.get().detail}`,
        (exchange) => {
          switch (exchange.kind) {
            case 'exception':
              return new ProbeError(
                exchange.exception === 10 || exchange.exception === 11 ? 504 : 422,
                msg.exceptionDetail(source, exchange.exception),
              );
            case 'garbled':
              return new ProbeError(422, msg.garbledDetail(source));
            case 'conn_lost':
              return new ProbeError(
                409,
                `the connection to ${host}:${port} was lost during the probe / se perdió la conexión`,
              );
            default:
              return new ProbeError(504, msg.timeoutDetail(source));
          }
        },
      );
    },
  };
}

export const modbusTcpDriver: DriverModule<typeof schema> = {
  schema,
  instanceKey: (source) => `${source.host}:${source.port}`,
  checkGroup,
  create,
};
