/**
 * @module port-problem
 * Why a serial port could not be opened or was lost, from the error serialport gives. The
 * agent's status and the technician's `vigia-config probe` word it for their own readers; the
 * classification is one.
 */
export type PortProblemKind = 'missing' | 'permission' | 'busy' | 'other';

export function portProblem(err: unknown): { kind: PortProblemKind; message: string } {
  const code = (err as { code?: string } | null)?.code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || /ENOENT|No such file/i.test(message)) return { kind: 'missing', message };
  if (code === 'EACCES' || /EACCES|Permission denied/i.test(message)) return { kind: 'permission', message };
  if (code === 'EBUSY' || /EBUSY|lock|temporarily unavailable/i.test(message)) return { kind: 'busy', message };
  return { kind: 'other', message };
}
