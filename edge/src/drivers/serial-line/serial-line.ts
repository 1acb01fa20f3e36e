/**
 * @module drivers/serial-line
 * Sensors that print ASCII lines on a serial port. One instance per port, shared by every
 * sensor on it: each line is offered to each sensor's decoder. A line none of them can read
 * is counted (per sensor, with a code), never fatal. A line longer than the port's `max_line`
 * (the largest its sensors give) is dropped whole and counted once (`line_too_long`). The port is kept open with retries by the
 * serial transport; a serial line has no acknowledgement, so a reading is stored as it comes.
 */
import { InputError, type SensorConfig, type SerialLineSource } from '@vigia/shared';
import { createStatus } from '../../status.ts';
import { createSerialLineTransport } from '../../transports/serial-port.ts';
import type { Driver, DriverDeps, DriverModule, GroupProblem, Sample } from '../driver.ts';
import { type LineDecoder, lineDecoder } from './decode.ts';
import { schema } from './schema.ts';

/** Checks over the sensors of one port, before anything opens (run by the config loader). */
export function checkGroup(sensors: readonly SensorConfig[]): GroupProblem[] {
  const first = sensors[0];
  const line = first.source as SerialLineSource;
  const problems: GroupProblem[] = [];
  sensors.forEach((s, index) => {
    const src = s.source as SerialLineSource;
    if (src.baud !== line.baud)
      problems.push({
        index,
        key: 'baud',
        message: `${src.port} is already read at ${line.baud} baud by sensor ${first.id}; sensors on one port must use the same baud`,
      });
  });
  return problems;
}

export function create(sensors: readonly SensorConfig[], deps: DriverDeps): Driver {
  const first = sensors[0].source as SerialLineSource;
  const id = `serial-line:${first.port}`;
  const decoders: { sensor: string; decode: LineDecoder }[] = sensors.map((s) => ({
    sensor: s.id,
    decode: lineDecoder(s.source as SerialLineSource),
  }));
  const status = createStatus(`abriendo ${first.port}`, deps.clock);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  function onLine(line: string): void {
    if (stopped || line.trim() === '') return;
    const ts = deps.clock();
    const samples: Sample[] = [];
    for (const d of decoders) {
      const r = d.decode(line);
      if (r.ok) samples.push({ sensor: d.sensor, ts, raw: r.value });
      else
        deps.telemetry.report(
          new InputError(`decode_${r.code}`, `sensor ${d.sensor}: line on ${first.port} not usable (${r.code})`),
          `driver:${id}`,
          'receive',
        );
    }
    if (!samples.length) return;
    const p = deps.emit(samples).catch((err) => {
      deps.telemetry.report(err, `driver:${id}`, 'process');
    });
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
  }

  const transport = createSerialLineTransport({
    path: first.port,
    baudRate: first.baud,
    onLine,
    maxLine: Math.max(...sensors.map((s) => (s.source as SerialLineSource).max_line)),
    onOverlong: (bytes) =>
      deps.telemetry.report(
        new InputError('line_too_long', `line on ${first.port} dropped: ${bytes} bytes, longer than max_line`),
        `driver:${id}`,
        'receive',
      ),
    status,
    retry: deps.retry,
    onError: (err) => deps.telemetry.report(err, `driver:${id}`, 'receive'),
  });

  return {
    id,
    sensors: sensors.map((s) => s.id),
    start: () => transport.start(),
    async stop() {
      stopped = true;
      await transport.stop();
      await Promise.all(inFlight);
      status.set('stopped', 'detenido');
    },
    status: () => status.get(),
  };
}

export const serialLineDriver: DriverModule<typeof schema> = {
  schema,
  instanceKey: (source) => source.port,
  device: (source) => source.port,
  checkGroup,
  create,
};
