/**
 * @module modbus-tcp/messages
 * What a technician reads in `/status` (Spanish, says what to check) and what the log says
 * (English), for each way a poll can fail. Keyed by the same codes as `vigia_errors_total`.
 */
import { exceptionName, type ModbusTcpSource } from '@vigia/shared';

const at = (s: Pick<ModbusTcpSource, 'host' | 'port'>) => `${s.host}:${s.port}`;

export function timeoutDetail(source: ModbusTcpSource): string {
  return `la unidad ${source.unit_id} no responde en ${at(source)} — revise unit_id y, detrás de un gateway, el cableado RS-485 y los baudios del gateway`;
}
export const timeoutLog = (source: ModbusTcpSource) =>
  `unit ${source.unit_id} did not answer on ${at(source)} within ${source.timeout} ms`;

export function garbledDetail(source: ModbusTcpSource): string {
  return `respuesta que no corresponde a la petición de la unidad ${source.unit_id} en ${at(source)} — revise function y que el equipo hable Modbus TCP (no RTU sobre TCP)`;
}
export const garbledLog = (source: ModbusTcpSource) =>
  `unit ${source.unit_id} on ${at(source)}: a reply that does not answer the read request`;

export function exceptionDetail(source: ModbusTcpSource, exception: number): string {
  const fix =
    exception === 10 || exception === 11
      ? 'revise unit_id y el equipo detrás del gateway (cableado, dirección, encendido)'
      : 'revise register y function en la configuración';
  return `la unidad ${source.unit_id} en ${at(source)} rechaza leer el registro ${source.register} (${source.function}): excepción ${exception}, ${exceptionName(exception, 'es')} — ${fix}`;
}

export function exceptionLog(sensor: string, source: ModbusTcpSource, exception: number): string {
  return `sensor ${sensor}: unit ${source.unit_id} on ${at(source)} answered exception ${exception} (${exceptionName(exception, 'en')}) for ${source.function} register ${source.register}`;
}
