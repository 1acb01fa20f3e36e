/**
 * @module probe/options
 * The options of `vigia-config probe`: parsing, the usage text, and schema errors worded in the
 * command's own flags (`--unit`, not `unit_id`), plus the words for the shared decoders' error codes.
 */
import { parseArgs } from 'node:util';
import { type DecodeErrorCode, formatIssues } from '@vigia/shared';

export const USAGE = `usage: vigia-config probe <port> [--baud 9600] [--parity none] [--seconds 10]
         [--pattern 'PH=(?<value>[0-9.]+)' | --csv-column N [--csv-separator ,] | --json-path a.b]
       vigia-config probe <port> --modbus --unit 3 --register 16 [--type float32] [--word-order big]
         [--function holding] [--baud 9600] [--parity none] [--seconds 10]
       vigia-config probe <host[:502]> --modbus --unit 1 --register 0 ...   (through a running agent only)
  when the agent at --api (http://127.0.0.1:8081) reads the port, the probe goes through it:
  the technician password from --password-file FILE, else a prompt`;

/** What a decode error code means for a line, in words a technician can act on. */
export const LINE_ERRORS: Record<DecodeErrorCode, string> = {
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

export function optionErrors(error: Parameters<typeof formatIssues>[0]): string {
  return formatIssues(error)
    .map(({ path, message }) => `vigia-config probe: ${FLAG_OF[path] ?? path}: ${message}`)
    .join('\n');
}

export const toNumber = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : text.trim() === '' ? Number.NaN : Number(text);

/** `192.168.1.50`, `192.168.1.50:502`, `plc.local:502`, `tcp://…`: not a serial device path. */
export const looksLikeNetworkAddress = (path: string): boolean =>
  !path.startsWith('/') &&
  (/^[a-z]+:\/\//i.test(path) || /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(path) || /^[\w.-]+:\d+$/.test(path));

export function parseOptions(args: string[]) {
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
