/**
 * `vigia-config probe <port> [options]`: opens a serial port (the agent must not be using it)
 * and shows what arrives, for a while (`--seconds`, default 10):
 * - lines: each line raw (non-printable bytes escaped) and, with `--pattern`, `--csv-column` or
 *   `--json-path`, the value the agent would read from it, or why not;
 * - `--modbus`: reads one register once per second and shows the registers (hex), the decoded
 *   value, or what went wrong (no answer, damaged reply, exception) in words.
 * The decoders are the agent's own (shared), so a value shown here is the value the agent reads.
 * Modbus TCP (`host[:port] --modbus`) is probed only through a running agent that reads that
 * address; otherwise a message says what to do instead (the agent's own `/status` per unit).
 * Lines with a decoder go through the agent too when it reads the port (its next lines).
 * With `--modbus` and an agent running that reads the port, the probe goes through the agent
 * (`POST /probe`, probe/via-agent.ts: `--api`, the password from `--password-file` or a prompt)
 * and the port is not opened here; it is opened here only when no agent reads it.
 * The sections live in ../probe/: options.ts, lines.ts, modbus-local.ts, via-agent.ts, serial.ts.
 * Exit code 0 when something usable arrived, 1 when not, 2 for bad options.
 */
import { lineDecoder, ModbusRtuSource, ModbusTcpSource, SerialLineSource } from '@vigia/shared';
import { probeLines } from '../probe/lines.ts';
import { pollsIn, probeModbus } from '../probe/modbus-local.ts';
import { looksLikeNetworkAddress, optionErrors, parseOptions, toNumber, USAGE } from '../probe/options.ts';
import { holderOf, probeViaAgent } from '../probe/via-agent.ts';

export { looksLikeNetworkAddress };

export async function probe(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (err) {
    console.error(`vigia-config probe: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const path = positionals[0];
  if (!path) {
    console.error(
      `vigia-config probe: say which port, e.g. /dev/ttyUSB0 (list them with "vigia-config ports")\n\n${USAGE}`,
    );
    return 2;
  }
  const seconds = toNumber(values.seconds) ?? 10;
  if (!(seconds > 0)) {
    console.error('vigia-config probe: --seconds: give a number of seconds greater than 0, e.g. --seconds 10');
    return 2;
  }
  const planned = pollsIn(seconds);
  if (looksLikeNetworkAddress(path)) return probeTcp(path, values, planned);
  const common = { port: path, baud: toNumber(values.baud), parity: values.parity };
  if (values.modbus) {
    const source = ModbusRtuSource.safeParse({
      driver: 'modbus-rtu',
      ...common,
      unit_id: toNumber(values.unit),
      register: toNumber(values.register),
      type: values.type,
      word_order: values['word-order'],
      function: values.function,
    });
    if (!source.success) {
      console.error(optionErrors(source.error));
      return 2;
    }
    const viaAgent = await probeViaAgent(values.api, values['password-file'], source.data, planned);
    return viaAgent ?? probeModbus(source.data, seconds);
  }
  for (const flag of ['unit', 'register', 'type', 'word-order', 'function'] as const) {
    if (values[flag] !== undefined) {
      console.error(
        `vigia-config probe: --${flag} is for Modbus: add --modbus, or leave it out for a sensor that prints lines`,
      );
      return 2;
    }
  }
  const wantsDecoder = [values.pattern, values['csv-column'], values['json-path']].some((v) => v !== undefined);
  const line = SerialLineSource.safeParse({
    driver: 'serial-line',
    port: path,
    baud: common.baud,
    pattern: values.pattern,
    csv_column: toNumber(values['csv-column']),
    csv_separator: values['csv-separator'],
    json_path: values['json-path'],
    // without a decoder, only the raw lines are shown: any valid choice satisfies the schema
    ...(wantsDecoder ? {} : { pattern: '(?<value>)' }),
  });
  if (!line.success) {
    console.error(optionErrors(line.error));
    return 2;
  }
  if (values.parity !== undefined && values.parity !== 'none') {
    console.error('vigia-config probe: --parity is for Modbus (serial-line sensors use no parity, as the agent does)');
    return 2;
  }
  if (wantsDecoder) {
    const viaAgent = await probeViaAgent(values.api, values['password-file'], line.data, planned);
    if (viaAgent !== null) return viaAgent;
  } else {
    // Raw lines need the port itself; the agent passes on values only.
    const holder = await holderOf(values.api, path, async () => ({}));
    if (typeof holder === 'object' && holder !== null) {
      console.error(
        `vigia-config probe: the agent reads ${path} (${holder.id}): add --pattern, --csv-column or --json-path to see the values it reads through it, without stopping it / el agente lee ${path}: agregue --pattern, --csv-column o --json-path para ver los valores a través del agente, sin detenerlo`,
      );
      return 2;
    }
  }
  return probeLines(path, line.data.baud, seconds, wantsDecoder ? lineDecoder(line.data) : undefined);
}

/** A Modbus TCP address: through the running agent only (this tool opens serial ports, not sockets). */
async function probeTcp(address: string, values: ReturnType<typeof parseOptions>['values'], planned: number) {
  const url = /^[a-z]+:\/\//i.test(address) ? new URL(address) : new URL(`tcp://${address}`);
  const source = values.modbus
    ? ModbusTcpSource.safeParse({
        driver: 'modbus-tcp',
        host: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        unit_id: toNumber(values.unit),
        register: toNumber(values.register),
        type: values.type,
        word_order: values['word-order'],
        function: values.function,
      })
    : null;
  if (source && !source.success) {
    console.error(optionErrors(source.error));
    return 2;
  }
  const viaAgent = source?.success
    ? await probeViaAgent(values.api, values['password-file'], source.data, planned)
    : null;
  if (viaAgent !== null) return viaAgent;
  console.error(
    `vigia-config probe: ${address} looks like a network address; probe opens serial ports only, and Modbus TCP (modbus-tcp) only through a running agent that reads that address (with --modbus --unit N --register N). Put the sensor in the config (vigia-config validate, apply), or in the page on the Pi, and read what the agent gets with vigia-config status.\n` +
      `vigia-config probe: ${address} parece una dirección de red; probe abre solo puertos serie, y Modbus TCP solo a través de un agente que ya lee esa dirección. Ponga el sensor en la configuración (vigia-config validate, apply) o en la página del Pi, y vea lo que lee el agente con vigia-config status.`,
  );
  return 2;
}
