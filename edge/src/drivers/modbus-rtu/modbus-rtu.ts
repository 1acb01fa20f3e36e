/**
 * @module drivers/modbus-rtu
 * Sensors read over RS-485 Modbus RTU (FC03 holding, FC04 input registers). One instance per
 * port, shared by every sensor and every unit id on it: one open port, one request in flight,
 * each sensor polled at its own `interval` (the shared `../poll-loop.ts` and `../scheduler.ts`).
 *
 * Must never: let a silent unit delay the others (short per-request timeout, and a unit that
 * keeps failing is backed off by skipping its slots, not by waiting); emit a reading without a
 * valid reply (timeouts, bad CRC, garbled bytes and exception replies are counted per unit and
 * give no reading); throw out of `start` (a missing or lost adapter is reopened with capped
 * backoff); emit after `stop` returns.
 */
import { ConfigError, InputError, type ModbusRtuSource, type SensorConfig, TransientError } from '@vigia/shared';
import { createStatus } from '../../status.ts';
import { createSerialTransport } from '../../transports/serial-port.ts';
import { type Driver, type DriverDeps, type DriverModule, type GroupProblem, ProbeError } from '../driver.ts';
import { createPollLoop } from '../poll-loop.ts';
import type { PollOutcome, SchedulerTuning } from '../scheduler.ts';
import { createUnitBook, pollEntries, probeUnit, registerRangeProblem } from '../unit-book.ts';
import { createBus, type Exchange, frameGapMs } from './bus.ts';
import { REGISTERS_PER_TYPE } from './decode.ts';
import { FUNCTION_CODES, type ReplyExpectation, readRequest } from './frame.ts';
import { exceptionDetail, exceptionLog, type SilentKind, silentDetail, silentLog } from './messages.ts';
import { schema } from './schema.ts';

export type ModbusRtuTuning = SchedulerTuning & {
  /** How long a unit may take to start its reply (the bytes' own time on the wire is added). */
  timeoutMs: number;
  /**
   * How long after a timeout its late reply is still waited for by the next request of the same
   * shape (bus.ts); `timeoutMs` by default. Longer catches later replies, but holds the line that
   * long when a dead unit is polled again at once (before its backoff starts).
   */
  lateMs?: number;
};

/**
 * 300 ms: real meters answer in 10–100 ms; a short timeout bounds what a dead unit costs the
 * bus. Two silent polls in a row start the backoff: 1 s, doubling, at most 30 s between tries.
 */
export const DEFAULT_TUNING: Readonly<ModbusRtuTuning> = {
  timeoutMs: 300,
  backoffAfter: 2,
  backoffMinMs: 1000,
  backoffMaxMs: 30_000,
};

/** Per unit id: valid readings, and polls that gave none, by cause. */
export type UnitCounts = { readings: number; timeout: number; crc: number; garbled: number; exception: number };

export type ModbusRtuDriver = Driver & { unitCounts(): ReadonlyMap<number, Readonly<UnitCounts>> };

type Poll = { sensor: string; source: ModbusRtuSource; request: Buffer; expect: ReplyExpectation };

/** Checks over the sensors of one port, before anything opens (also run by the config loader). */
export function checkGroup(sensors: readonly SensorConfig[]): GroupProblem[] {
  const problems: GroupProblem[] = [];
  const first = sensors[0];
  const line = first.source as ModbusRtuSource;
  sensors.forEach((s, index) => {
    const src = s.source as ModbusRtuSource;
    if (src.baud !== line.baud || src.parity !== line.parity)
      problems.push({
        index,
        key: src.baud !== line.baud ? 'baud' : 'parity',
        message: `sensor ${s.id} reads ${src.port} at ${src.baud} baud, parity ${src.parity}, but sensor ${first.id} reads it at ${line.baud} baud, parity ${line.parity}; sensors on one RS-485 port must use the same baud and parity`,
      });
    const range = registerRangeProblem(s, index);
    if (range) problems.push(range);
  });
  return problems;
}

export function create(
  sensors: readonly SensorConfig[],
  deps: DriverDeps,
  tuning: Readonly<ModbusRtuTuning> = DEFAULT_TUNING,
): ModbusRtuDriver {
  const problems = checkGroup(sensors);
  if (problems.length) throw new ConfigError(problems.map((p) => p.message).join('\n'));
  const line = sensors[0].source as ModbusRtuSource;
  const { port: path } = line;
  const id = `modbus-rtu:${path}`;
  const polls: Poll[] = sensors.map((s) => {
    const source = s.source as ModbusRtuSource;
    const count = REGISTERS_PER_TYPE[source.type];
    return {
      sensor: s.id,
      source,
      request: readRequest(source.unit_id, source.function, source.register, count),
      expect: { unit: source.unit_id, functionCode: FUNCTION_CODES[source.function], count },
    };
  });
  const unitIds = [...new Set(polls.map((p) => p.source.unit_id))].sort((a, b) => a - b);
  const portStatus = createStatus(`abriendo ${path}`, deps.clock);
  const book = createUnitBook<UnitCounts>({
    id,
    where: path,
    unitIds,
    zero: () => ({ readings: 0, timeout: 0, crc: 0, garbled: 0, exception: 0 }),
    status: createStatus(`leyendo ${path}`, deps.clock),
    deps,
  });
  const { report } = book;
  const pollLoop = createPollLoop({
    entries: pollEntries(sensors),
    tuning,
    clock: deps.clock,
    isOpen: () => bus.isOpen(),
    async poll(index) {
      const poll = polls[index];
      const { exchange, at } = await bus.request(poll.request, poll.expect);
      if (pollLoop.isStopped() || exchange.kind === 'port_lost') return 'lost';
      return settle(poll, exchange, at);
    },
    afterPoll: () => book.refreshStatus(),
    gapMs: frameGapMs(line.baud),
  });

  const bus = createBus({
    baud: line.baud,
    timeoutMs: tuning.timeoutMs,
    lateMs: tuning.lateMs,
    clock: deps.clock,
    onStray: (bytes) => {
      if (!pollLoop.isStopped())
        report(
          new TransientError(
            'modbus_stray',
            `${bytes} byte(s) on ${path} with no request pending (a late reply, another master, or wrong baud/parity)`,
          ),
        );
    },
  });
  const transport = createSerialTransport({
    path,
    baudRate: line.baud,
    parity: line.parity,
    status: portStatus,
    retry: deps.retry,
    onError: (err) => report(err),
    onOpen(port) {
      port.on('data', (chunk: Buffer) => bus.onData(chunk));
      bus.attach(port);
      book.refreshStatus();
      pollLoop.wake();
    },
    onLost: () => bus.detach(),
  });

  /** Books one poll's outcome: a reading, or counted errors and a status detail. */
  function settle(poll: Poll, exchange: Exchange, at: number): PollOutcome {
    const { source, sensor } = poll;
    const unit = source.unit_id;
    const count = book.unitCount(unit);
    if (exchange.kind === 'registers' || exchange.kind === 'exception') book.unitAnswered(unit);
    switch (exchange.kind) {
      case 'registers':
        return book.registers(sensor, source, exchange.registers, at);
      case 'exception':
        count.exception++;
        book.sensorFailed(sensor, exceptionDetail(source, exchange.exception));
        report(new InputError('modbus_exception', exceptionLog(sensor, source, exchange.exception)), unit);
        return 'answered';
      default: {
        const kind = exchange.kind as SilentKind;
        count[kind]++;
        book.unitFailed(unit, silentDetail(kind, unit, source));
        report(new TransientError(`modbus_${kind}`, silentLog(kind, unit, source), { stage: 'receive' }), unit);
        return 'silent';
      }
    }
  }

  return {
    id,
    sensors: polls.map((p) => p.sensor),
    ...book.lifecycle(pollLoop, transport, portStatus),
    unitCounts: () => book.counts,
    async probe(given) {
      const source = given as ModbusRtuSource;
      if (source.baud !== line.baud || source.parity !== line.parity)
        throw new ProbeError(
          422,
          `${path} is read at ${line.baud} baud, parity ${line.parity}; a probe on it must use the same / ${path} se lee a ${line.baud} baudios, paridad ${line.parity}`,
        );
      const count = REGISTERS_PER_TYPE[source.type];
      const expect = { unit: source.unit_id, functionCode: FUNCTION_CODES[source.function], count };
      const request = readRequest(source.unit_id, source.function, source.register, count);
      return probeUnit(
        pollLoop,
        source,
        () => bus.request(request, expect),
        () => `${path} is not open now: ${portStatus.get().detail}`,
        (exchange) => {
          switch (exchange.kind) {
            case 'exception':
              return new ProbeError(422, exceptionDetail(source, exchange.exception));
            case 'port_lost':
              return new ProbeError(409, `${path} was lost during the probe / se perdió ${path} durante la prueba`);
            default:
              return new ProbeError(504, silentDetail(exchange.kind as SilentKind, source.unit_id, source));
          }
        },
      );
    },
  };
}

export const modbusRtuDriver: DriverModule<typeof schema> = {
  schema,
  instanceKey: (source) => source.port,
  device: (source) => source.port,
  create,
  checkGroup,
};
