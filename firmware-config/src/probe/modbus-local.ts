/**
 * @module probe/modbus-local
 * `vigia-config probe --modbus` with the port opened here (no agent holds it): one request a
 * second, the registers in hex, the decoded value, or what went wrong in words.
 */
import {
  decodeRegisters,
  exceptionName,
  FUNCTION_CODES,
  type ModbusRtuSource,
  type ParsedReply,
  parseReply,
  REGISTERS_PER_TYPE,
  type ReplyExpectation,
  readRequest,
} from '@vigia/shared';
import { otherBauds } from './bytes.ts';
import { LINE_ERRORS } from './options.ts';
import { describeOpenError } from './port-errors.ts';
import { closePort, makeDeadline, type OpenPort, openPort, sleep } from './serial.ts';

const hex4 = (r: number) => r.toString(16).padStart(4, '0');
const hexBytes = (b: Uint8Array) => Array.from(b.subarray(0, 32), (x) => x.toString(16).padStart(2, '0')).join(' ');

/** How long a unit may take to answer before the poll counts as "no answer". */
const REPLY_TIMEOUT_MS = 800;
const POLL_EVERY_MS = 1000;

/** "Once a second for N s": how many polls (or probes through the agent) that is, at least one. */
export const pollsIn = (seconds: number): number => Math.max(1, Math.round((seconds * 1000) / POLL_EVERY_MS));

type Outcome = Exclude<ParsedReply, { kind: 'incomplete' }> | { kind: 'timeout' };

export async function probeModbus(source: ModbusRtuSource, seconds: number): Promise<number> {
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
  const planned = pollsIn(seconds);
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
