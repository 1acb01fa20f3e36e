/**
 * @module modbus-rtu/messages
 * What a technician reads in `/status` (Spanish, says what to check) and what the log says
 * (English), for each way a poll can fail. Keyed by the same codes as `vigia_errors_total`.
 */
import { exceptionName, type ModbusRtuSource } from '@vigia/shared';

type Line = Pick<ModbusRtuSource, 'port' | 'baud' | 'parity'>;
export type SilentKind = 'timeout' | 'crc' | 'garbled';

/** Status detail for a unit that gave no valid answer. */
export function silentDetail(kind: SilentKind, unit: number, line: Line): string {
  if (kind === 'timeout') return `la unidad ${unit} no responde en ${line.port} — revise cableado, dirección y baudios`;
  if (kind === 'crc')
    return `respuesta dañada (CRC) de la unidad ${unit} en ${line.port} — revise cableado, blindaje y terminación del bus`;
  return `bytes ilegibles esperando a la unidad ${unit} en ${line.port} — revise baudios y paridad (${line.baud}, ${line.parity})`;
}

export function silentLog(kind: SilentKind, unit: number, line: Line): string {
  if (kind === 'timeout') return `unit ${unit} did not answer on ${line.port}`;
  if (kind === 'crc') return `unit ${unit} on ${line.port}: reply with a bad CRC`;
  return `unit ${unit} on ${line.port}: bytes that are not a reply (baud ${line.baud}, parity ${line.parity}?)`;
}

export function exceptionDetail(source: ModbusRtuSource, exception: number): string {
  return `la unidad ${source.unit_id} rechaza leer el registro ${source.register} (${source.function}) en ${source.port}: excepción ${exception}, ${exceptionName(exception, 'es')} — revise register y function en la configuración`;
}

export function exceptionLog(sensor: string, source: ModbusRtuSource, exception: number): string {
  return `sensor ${sensor}: unit ${source.unit_id} on ${source.port} answered exception ${exception} (${exceptionName(exception, 'en')}) for ${source.function} register ${source.register}`;
}
