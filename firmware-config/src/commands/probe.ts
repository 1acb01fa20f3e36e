/**
 * `vigia-config probe <port> [options]`: opens a serial port (the agent must not be using it)
 * and shows what arrives, for a while (`--seconds`, default 10):
 * - lines: each line raw (non-printable bytes escaped) and, with `--pattern`, `--csv-column` or
 *   `--json-path`, the value the agent would read from it, or why not;
 * - `--modbus`: reads one register once per second and shows the registers (hex), the decoded
 *   value, or what went wrong (no answer, damaged reply, exception) in words.
 * The decoders are the agent's own (shared), so a value shown here is the value the agent reads.
 * Modbus TCP (`driver: modbus-tcp`) is not probed: a network address instead of a port gets a
 * message saying so and what to do instead (the agent's own `/status` per unit).
 * With `--modbus` and an agent running that reads the port, the probe goes through the agent
 * (`POST /probe`, probe/via-agent.ts: `--api`, `--password-file`) and the port is not opened here.
 * Exit code 0 when something usable arrived, 1 when not, 2 for bad options.
 */
import { parseArgs } from 'node:util';
import {
  type DecodeErrorCode,
  type DecodeResult,
  decodeRegisters,
  exceptionName,
  FUNCTION_CODES,
  formatIssues,
  lineDecoder,
  ModbusRtuSource,
  type ParsedReply,
  parseReply,
  REGISTERS_PER_TYPE,
  type ReplyExpectation,
  readRequest,
  SerialLineSource,
} from '@vigia/shared';
import { escapeBytes, isNonPrintable, looksGarbled, otherBauds, takeLines } from '../probe/bytes.ts';
import { describeOpenError } from '../probe/port-errors.ts';
import { probeViaAgent } from '../probe/via-agent.ts';

const USAGE = `usage: vigia-config probe <port> [--baud 9600] [--parity none] [--seconds 10]
         [--pattern 'PH=(?<value>[0-9.]+)' | --csv-column N [--csv-separator ,] | --json-path a.b]
       vigia-config probe <port> --modbus --unit 3 --register 16 [--type float32] [--word-order big]
         [--function holding] [--baud 9600] [--parity none] [--seconds 10] [--api URL] [--password-file FILE]`;

/** What a decode error code means for a line, in words a technician can act on. */
const LINE_ERRORS: Record<DecodeErrorCode, string> = {
  empty: 'no hay número donde se esperaba',
  not_a_number: 'lo encontrado no es un número (¿coma decimal?)',
  no_match: 'el patrón (--pattern) no encuentra el valor en esta línea',
  missing_column: 'la línea tiene menos columnas (revise --csv-column y --csv-separator)',
  invalid_json: 'la línea no es JSON válido',
  missing_path: 'el JSON no tiene esa ruta (revise --json-path)',
  too_large: 'línea demasiado larga',
  register_count: 'número de registros incorrecto',
  not_a_register: 'registro fuera de rango',
  not_finite: 'el valor no es un número finito (NaN: el equipo dice "sin medida")',
};

/** Option name for each `source:` key, to word schema errors in the terms of this command. */
const FLAG_OF: Record<string, string> = {
  port: '<port>',
  baud: '--baud',
  parity: '--parity',
  unit_id: '--unit',
  register: '--register',
  type: '--type',
  word_order: '--word-order',
  function: '--function',
  pattern: '--pattern',
  csv_column: '--csv-column',
  csv_separator: '--csv-separator',
  json_path: '--json-path',
};

function optionErrors(error: Parameters<typeof formatIssues>[0]): string {
  return formatIssues(error)
    .map(({ path, message }) => `vigia-config probe: ${FLAG_OF[path] ?? path}: ${message}`)
    .join('\n');
}

const toNumber = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : text.trim() === '' ? Number.NaN : Number(text);

type SerialModule = typeof import('serialport');
type OpenPort = InstanceType<SerialModule['SerialPort']>;

async function openPort(path: string, baudRate: number, parity: 'none' | 'even' | 'odd'): Promise<OpenPort> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate, parity, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

const closePort = (port: OpenPort) =>
  new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));

/** Ends at the deadline, or earlier on Ctrl+C. */
function makeDeadline(seconds: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  const onInt = () => controller.abort();
  process.once('SIGINT', onInt);
  const done = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()));
  return {
    signal: controller.signal,
    done,
    dispose() {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
    },
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

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
  if (looksLikeNetworkAddress(path)) {
    console.error(
      `vigia-config probe: ${path} looks like a network address; probe reads serial ports only, Modbus TCP (modbus-tcp) is not supported by probe yet. Put the sensor in the config (vigia-config validate, apply) and read what the agent gets with vigia-config status.\n` +
        `vigia-config probe: ${path} parece una dirección de red; probe solo lee puertos serie, Modbus TCP (modbus-tcp) aún no. Ponga el sensor en la configuración (vigia-config validate, apply) y vea lo que lee el agente con vigia-config status.`,
    );
    return 2;
  }
  const seconds = toNumber(values.seconds) ?? 10;
  if (!(seconds > 0)) {
    console.error('vigia-config probe: --seconds: give a number of seconds greater than 0, e.g. --seconds 10');
    return 2;
  }
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
    const planned = Math.max(1, Math.round((seconds * 1000) / POLL_EVERY_MS));
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
  return probeLines(path, line.data.baud, seconds, wantsDecoder ? lineDecoder(line.data) : undefined);
}

/** `192.168.1.50`, `192.168.1.50:502`, `plc.local:502`, `tcp://…`: not a serial device path. */
export const looksLikeNetworkAddress = (path: string): boolean =>
  !path.startsWith('/') &&
  (/^[a-z]+:\/\//i.test(path) || /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(path) || /^[\w.-]+:\d+$/.test(path));

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      baud: { type: 'string' },
      parity: { type: 'string' },
      seconds: { type: 'string' },
      modbus: { type: 'boolean', default: false },
      unit: { type: 'string' },
      register: { type: 'string' },
      type: { type: 'string' },
      'word-order': { type: 'string' },
      function: { type: 'string' },
      pattern: { type: 'string' },
      'csv-column': { type: 'string' },
      'csv-separator': { type: 'string' },
      'json-path': { type: 'string' },
      api: { type: 'string', default: 'http://127.0.0.1:8081' },
      'password-file': { type: 'string' },
    },
  });
}

/** Longest run of bytes without a line end shown as one piece (garbage, or a sensor that never ends its lines). */
const MAX_PENDING_BYTES = 512;
const utf8 = new TextDecoder('utf-8', { fatal: false });

async function probeLines(
  path: string,
  baud: number,
  seconds: number,
  decode: ((line: string) => DecodeResult) | undefined,
): Promise<number> {
  let port: OpenPort;
  try {
    port = await openPort(path, baud, 'none');
  } catch (err) {
    console.error(describeOpenError(path, err));
    return 1;
  }
  console.log(`escuchando ${path} a ${baud} baudios durante ${seconds} s (Ctrl+C para terminar)…`);
  let pending = new Uint8Array(0);
  let total = 0;
  let nonPrintable = 0;
  let lines = 0;
  let values = 0;
  let warnedBaud = false;

  const show = (bytes: Uint8Array, ended: boolean) => {
    lines++;
    const raw = `"${escapeBytes(bytes)}"`;
    const label = ended ? `línea ${lines}:` : `sin fin de línea (${bytes.length} bytes):`;
    const text = utf8.decode(bytes).replace(/\r$/, ''); // as the agent reads a line
    if (!decode) return console.log(`${label} ${raw}`);
    if (text.trim() === '') return console.log(`${label} ${raw}  (vacía: el agente la ignora)`);
    const r = decode(text);
    if (r.ok) {
      values++;
      console.log(`${label} ${raw}  → valor ${r.value}`);
    } else console.log(`${label} ${raw}  → error ${r.code}: ${LINE_ERRORS[r.code]}`);
  };
  const warnBaud = () => {
    if (warnedBaud || !looksGarbled(total, nonPrintable)) return;
    warnedBaud = true;
    console.log(
      `¿baudios equivocados? ${nonPrintable} de ${total} bytes no son texto — pruebe --baud ${otherBauds(baud).join(' / ')} (ahora ${baud})`,
    );
  };

  port.on('data', (chunk: Buffer) => {
    total += chunk.length;
    for (const b of chunk) if (isNonPrintable(b)) nonPrintable++;
    const joined = new Uint8Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    const { lines: complete, rest } = takeLines(joined);
    for (const l of complete) show(l, true);
    pending = rest.slice();
    if (pending.length >= MAX_PENDING_BYTES) {
      show(pending, false);
      pending = new Uint8Array(0);
    }
    warnBaud();
  });

  const deadline = makeDeadline(seconds);
  await deadline.done;
  deadline.dispose();
  await closePort(port);
  if (pending.length > 0) show(pending, false);
  warnBaud();

  if (total === 0) {
    console.log(
      `no llegó nada en ${seconds} s — revise que el sensor esté encendido, el cable (TX/RX cruzados, tierra común) y el puerto ("vigia-config ports")`,
    );
    return 1;
  }
  const ended = lines > 0 && pending.length === 0;
  const summary = decode ? `${lines} línea(s), ${values} con valor` : `${lines} línea(s), ${total} bytes`;
  console.log(`resumen: ${summary}`);
  if (!decode && ended)
    console.log(
      "para ver el valor que leería el agente, agregue --pattern '...(?<value>[0-9.]+)...', --csv-column N o --json-path a.b",
    );
  return decode ? (values > 0 ? 0 : 1) : 0;
}

const hex4 = (r: number) => r.toString(16).padStart(4, '0');
const hexBytes = (b: Uint8Array) => Array.from(b.subarray(0, 32), (x) => x.toString(16).padStart(2, '0')).join(' ');

/** How long a unit may take to answer before the poll counts as "no answer". */
const REPLY_TIMEOUT_MS = 800;
const POLL_EVERY_MS = 1000;

type Outcome = Exclude<ParsedReply, { kind: 'incomplete' }> | { kind: 'timeout' };

async function probeModbus(source: ModbusRtuSource, seconds: number): Promise<number> {
  let port: OpenPort;
  try {
    port = await openPort(source.port, source.baud, source.parity);
  } catch (err) {
    console.error(describeOpenError(source.port, err));
    return 1;
  }
  const count = REGISTERS_PER_TYPE[source.type];
  const expect: ReplyExpectation = { unit: source.unit_id, functionCode: FUNCTION_CODES[source.function], count };
  const request = readRequest(source.unit_id, source.function, source.register, count);
  console.log(
    `leyendo la unidad ${source.unit_id}, registro ${source.register} (${source.function}, ${source.type}, word_order ${source.word_order}) en ${source.port} a ${source.baud} baudios, paridad ${source.parity}, una vez por segundo durante ${seconds} s…`,
  );

  let received = Buffer.alloc(0);
  let settle: ((o: Outcome) => void) | undefined;
  let stray = 0;
  port.on('data', (chunk: Buffer) => {
    if (!settle) {
      stray += chunk.length;
      return;
    }
    received = Buffer.concat([received, chunk]);
    const r = parseReply(received, expect);
    if (r.kind !== 'incomplete') settle(r);
  });
  const exchange = () =>
    new Promise<Outcome>((resolve) => {
      received = Buffer.alloc(0);
      const timer = setTimeout(() => {
        const r = parseReply(received, expect, true);
        finish(r.kind === 'incomplete' ? { kind: 'timeout' } : r);
      }, REPLY_TIMEOUT_MS);
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        settle = undefined;
        resolve(o);
      };
      settle = finish;
      port.write(Buffer.from(request));
    });

  const deadline = makeDeadline(seconds);
  // "Once a second for N s" is N polls: counted, not raced against the deadline's timer (the
  // two timers can fire in either order). The deadline still ends a stuck exchange, and Ctrl+C.
  const planned = Math.max(1, Math.round((seconds * 1000) / POLL_EVERY_MS));
  let polls = 0;
  let good = 0;
  let garbled = 0;
  while (!deadline.signal.aborted && polls < planned) {
    const started = Date.now();
    polls++;
    const outcome = await exchange();
    const line = describeOutcome(outcome, source, received);
    if (outcome.kind === 'registers' && decodeRegisters(outcome.registers, source.type, source.word_order).ok) good++;
    if (outcome.kind === 'garbled') garbled++;
    console.log(`#${polls} ${line}`);
    await sleep(Math.max(0, POLL_EVERY_MS - (Date.now() - started)), deadline.signal);
  }
  deadline.dispose();
  await closePort(port);
  if (stray > 0)
    console.log(
      `llegaron ${stray} bytes sin haberlos pedido — ¿otro maestro en el bus (vigia-edge, un PLC)? ¿baudios equivocados?`,
    );
  if (garbled > 0 && good === 0)
    console.log(`¿baudios equivocados? pruebe --baud ${otherBauds(source.baud).join(' / ')} y --parity even / none`);
  console.log(`resumen: ${good} de ${polls} lectura(s) válidas`);
  return good > 0 ? 0 : 1;
}

function describeOutcome(outcome: Outcome, source: ModbusRtuSource, received: Uint8Array): string {
  switch (outcome.kind) {
    case 'registers': {
      const regs = outcome.registers.map(hex4).join(' ');
      const r = decodeRegisters(outcome.registers, source.type, source.word_order);
      return r.ok
        ? `registros: ${regs} → valor ${r.value}`
        : `registros: ${regs} → no es un valor válido (${r.code}: ${LINE_ERRORS[r.code]}) — revise --type y --word-order`;
    }
    case 'exception':
      return `excepción ${outcome.exception} (${exceptionName(outcome.exception, 'es')}): la unidad ${source.unit_id} responde pero rechaza leer el registro ${source.register} (${source.function}) — revise --register y --function en el manual del equipo`;
    case 'crc':
      return `respuesta dañada (CRC incorrecto): ${hexBytes(received)} — revise cableado, blindaje y terminación del bus`;
    case 'garbled':
      return `bytes ilegibles (no son una respuesta Modbus): ${hexBytes(received)} — revise baudios y paridad (ahora ${source.baud}, ${source.parity})`;
    case 'timeout':
      return `sin respuesta (tiempo agotado, ${REPLY_TIMEOUT_MS} ms): la unidad ${source.unit_id} no responde — revise cableado A/B, alimentación, la dirección (--unit) y los baudios`;
  }
}
