/**
 * @module test/simulator/main
 * The plant simulator as a process: samples `model.ts` every `--rate-ms` and sends each value
 * on its wire (MQTT, a serial ASCII line, Modbus registers over RTU and/or TCP). Never exits on a transport
 * error while running: a sensor node keeps trying, and the edge must cope with gaps.
 *
 *   node --import tsx test/simulator/main.ts --mqtt mqtt://127.0.0.1:1883 [--mqtt-user u --mqtt-password p]
 *     [--serial-line /path/pty] [--modbus /path/pty] [--modbus-tcp [host:]port] [--rate-ms 1000] [--seed 1] [--record file.jsonl]
 *     [--local-start-hour 9] [--no-episode]
 */
import { parseArgs } from 'node:util';
import { type SimOptions, type SimValues, simulate } from './model.ts';
import { openRecorder } from './record.ts';
import { MODBUS_UNIT_ID, SERIAL_BAUD, SIM_SENSORS, type SimSensorSpec, transportOf, type Wires } from './sensors.ts';
import {
  createRegisterMap,
  type ModbusSlave,
  type ModbusTcpSlave,
  startModbusSlave,
  startModbusTcpSlave,
} from './transports/modbus.ts';
import { type MqttPublisher, startMqttPublisher } from './transports/mqtt.ts';
import { openSerialLineProbe, type ProbeField, type SerialLineProbe } from './transports/serial-line.ts';

const USAGE = `usage: node --import tsx test/simulator/main.ts --mqtt mqtt://127.0.0.1:1883
  [--mqtt-user u --mqtt-password p] [--serial-line /path/pty] [--modbus /path/pty] [--modbus-tcp [host:]port]
  [--rate-ms 1000] [--seed 1] [--record file.jsonl] [--local-start-hour 9] [--no-episode]`;

function log(line: string): void {
  process.stdout.write(`[simulator] ${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli();
  } catch (err) {
    fail((err as Error).message);
  }
  const a = parsed.values;
  if (a.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) fail(`--${name} must be a number >= ${min}, got "${text}"`);
    return n;
  };
  let modbusTcp: { host: string; port: number } | undefined;
  if (a['modbus-tcp'] !== undefined) {
    const m = /^(?:(.+):)?(\d+)$/.exec(a['modbus-tcp']);
    if (!m || Number(m[2]) > 65535) fail(`--modbus-tcp must be a port or host:port, got "${a['modbus-tcp']}"`);
    modbusTcp = { host: m[1] ?? '127.0.0.1', port: Number(m[2]) };
  }
  const localStartHour =
    a['local-start-hour'] === undefined ? undefined : num('local-start-hour', a['local-start-hour'], 0, 0);
  return {
    mqtt: a.mqtt,
    mqttUser: a['mqtt-user'],
    mqttPassword: a['mqtt-password'],
    serialLine: a['serial-line'],
    modbus: a.modbus,
    modbusTcp,
    rateMs: num('rate-ms', a['rate-ms'], 1000, 10),
    seed: num('seed', a.seed, 1, 0),
    record: a.record,
    localStartHour,
    episode: !a['no-episode'],
  };
}

function parseCli() {
  return parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      mqtt: { type: 'string' },
      'mqtt-user': { type: 'string' },
      'mqtt-password': { type: 'string' },
      'serial-line': { type: 'string' },
      modbus: { type: 'string' },
      'modbus-tcp': { type: 'string' },
      'rate-ms': { type: 'string' },
      seed: { type: 'string' },
      record: { type: 'string' },
      'local-start-hour': { type: 'string' },
      'no-episode': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  const args = parse();
  const opts: SimOptions = {
    seed: args.seed,
    startMs: Date.now(),
    localStartHour: args.localStartHour,
    episode: args.episode,
  };
  const record = openRecorder(args.record);
  const wires: Wires = {
    serialLine: args.serialLine !== undefined,
    modbus: args.modbus !== undefined,
    modbusTcp: args.modbusTcp !== undefined,
  };
  const on = (t: string) => SIM_SENSORS.filter((s) => transportOf(s, wires) === t);
  const mqttSensors = on('mqtt');
  const serialSensors = on('serial-line');
  const modbusSensors = [...on('modbus-rtu'), ...on('modbus-tcp')];
  const registerMap = createRegisterMap(); // one map, served over RTU and TCP alike

  let publisher: MqttPublisher | undefined;
  let probe: SerialLineProbe | undefined;
  let slave: ModbusSlave | undefined;
  let tcpSlave: ModbusTcpSlave | undefined;

  if (args.mqtt) {
    publisher = startMqttPublisher({
      url: args.mqtt,
      username: args.mqttUser,
      password: args.mqttPassword,
      log,
    });
    log(`mqtt: publishing ${mqttSensors.length} sensors to ${args.mqtt} (QoS 1, {"value": n})`);
  } else {
    log(`mqtt: no --mqtt given; ${mqttSensors.map((s) => s.id).join(', ')} are not sent`);
  }
  if (args.serialLine) {
    probe = await openSerialLineProbe(args.serialLine, SERIAL_BAUD);
    log(`serial-line: probe on ${args.serialLine} printing ${serialSensors.map((s) => s.serial!.key).join(';')} lines`);
  }
  if (args.modbus) {
    slave = await startModbusSlave(args.modbus, MODBUS_UNIT_ID, SERIAL_BAUD, registerMap);
    const regs = modbusSensors.map((s) => `${s.id}@${s.modbus!.register}`).join(', ');
    log(`modbus-rtu: slave unit ${MODBUS_UNIT_ID} on ${args.modbus}, float32 big-endian holding registers ${regs}`);
  }
  if (args.modbusTcp) {
    tcpSlave = await startModbusTcpSlave({ ...args.modbusTcp, unitId: MODBUS_UNIT_ID }, registerMap);
    const regs = modbusSensors.map((s) => `${s.id}@${s.modbus!.register}`).join(', ');
    log(
      `modbus-tcp: unit ${MODBUS_UNIT_ID} on ${args.modbusTcp.host}:${tcpSlave.port}, float32 big-endian holding registers ${regs}`,
    );
  }

  const warn = (what: string) => (err: unknown) => log(`${what}: ${(err as Error).message}`);

  const sendMqtt = (values: SimValues, now: number, spec: SimSensorSpec) => {
    const value = values[spec.id];
    publisher!
      .publish(spec.topic, value)
      .then(() => record(spec.id, value, now))
      .catch(() => {}); // only fails when stopping; the broker's absence is retried and logged
  };

  const tick = () => {
    const now = Date.now();
    const values = simulate(opts, now);
    if (publisher) for (const spec of mqttSensors) sendMqtt(values, now, spec);
    if (probe && serialSensors.length > 0) {
      const fields: ProbeField[] = serialSensors.map((s) => ({
        key: s.serial!.key,
        value: values[s.id],
        decimals: s.serial!.decimals,
      }));
      probe
        .writeLine(fields)
        .then(() => {
          for (const [i, s] of serialSensors.entries()) {
            record(s.id, Number(fields[i]!.value.toFixed(fields[i]!.decimals)), now);
          }
        })
        .catch(warn('serial-line'));
    }
    if (slave || tcpSlave) {
      for (const s of modbusSensors) record(s.id, registerMap.setFloat32(s.modbus!.register, values[s.id]), now);
    }
  };

  tick();
  const timer = setInterval(tick, args.rateMs);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    log(`${signal}: stopping`);
    await Promise.allSettled([publisher?.stop(), probe?.stop(), slave?.stop(), tcpSlave?.stop()]);
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`simulator: ${(err as Error).message}\n`);
  process.exit(1);
});
