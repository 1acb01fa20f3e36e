/**
 * @module probe/port-errors
 * What to tell a technician, in Spanish, when a serial port cannot be opened. The agent words
 * the same problems (shared `portProblem`) for its status.
 */
import { portProblem } from '@vigia/shared';

export function describeOpenError(path: string, err: unknown): string {
  const { kind, message } = portProblem(err);
  if (kind === 'missing')
    return `no existe el puerto ${path} — revise el cable USB y busque el nombre correcto con "vigia-config ports"`;
  if (kind === 'permission')
    return `sin permiso para abrir ${path} — agregue su usuario al grupo dialout (sudo usermod -aG dialout $USER) y vuelva a entrar`;
  if (kind === 'busy')
    return `el puerto ${path} está en uso, probablemente por vigia-edge — deténgalo con "sudo systemctl stop vigia-edge", pruebe, y vuelva a iniciarlo con "sudo systemctl start vigia-edge"`;
  return `no se pudo abrir ${path} (${message}) — revise el cable USB y el nombre del puerto ("vigia-config ports")`;
}
