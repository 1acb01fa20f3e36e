/**
 * @module probe/lines
 * `vigia-config probe <port>` for a sensor that prints lines: each line raw (non-printable bytes
 * escaped) and, with a decoder, the value the agent would read from it, or why not.
 */
import type { DecodeResult } from '@vigia/shared';
import { escapeBytes, isNonPrintable, looksGarbled, otherBauds, takeLines } from './bytes.ts';
import { LINE_ERRORS } from './options.ts';
import { describeOpenError } from './port-errors.ts';
import { closePort, makeDeadline, type OpenPort, openPort } from './serial.ts';

/** Longest run of bytes without a line end shown as one piece (garbage, or a sensor that never ends its lines). */
const MAX_PENDING_BYTES = 512;
const utf8 = new TextDecoder('utf-8', { fatal: false });

export async function probeLines(
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
