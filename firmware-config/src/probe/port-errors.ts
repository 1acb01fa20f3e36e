/**
 * @module probe/port-errors
 * What to tell a technician, in Spanish, when a serial port cannot be opened. (The agent has
 * its own wording for the same errors in its status; the two parts share no code but shared.)
 */
export function describeOpenError(path: string, err: unknown): string {
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || /ENOENT|No such file/i.test(msg))
    return `no existe el puerto ${path} — revise el cable USB y busque el nombre correcto con "vigia-config ports"`;
  if (code === 'EACCES' || /EACCES|Permission denied/i.test(msg))
    return `sin permiso para abrir ${path} — agregue su usuario al grupo dialout (sudo usermod -aG dialout $USER) y vuelva a entrar`;
  if (code === 'EBUSY' || /EBUSY|lock|temporarily unavailable/i.test(msg))
    return `el puerto ${path} está en uso, probablemente por vigia-edge — deténgalo con "sudo systemctl stop vigia-edge", pruebe, y vuelva a iniciarlo con "sudo systemctl start vigia-edge"`;
  return `no se pudo abrir ${path} (${msg}) — revise el cable USB y el nombre del puerto ("vigia-config ports")`;
}
