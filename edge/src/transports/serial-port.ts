/**
 * @module transports/serial-port
 * A serial port read as text lines, kept open: if it cannot be opened or disappears, it retries
 * with capped backoff and reports `retrying` with a detail a technician can act on. Never throws
 * out of `start`. `serialport` (native) is loaded lazily, where the program meets the port.
 */
import type { BackoffOptions } from '../backoff.ts';
import { backoffDelayMs, sleep } from '../backoff.ts';
import type { StatusTracker } from '../status.ts';

export type SerialLineTransportOptions = {
  path: string;
  baudRate: number;
  onLine: (line: string) => void;
  status: StatusTracker;
  retry: BackoffOptions;
  /** Called once per failed open or lost port, with the underlying error. */
  onError: (err: Error) => void;
};

/** What to tell a technician, in Spanish, for an error opening or reading a port. */
export function describePortError(path: string, err: unknown): string {
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || /ENOENT|No such file/i.test(msg)) return `no se puede abrir ${path} — revise el cable USB`;
  if (code === 'EACCES' || /EACCES|Permission denied/i.test(msg))
    return `sin permiso para abrir ${path} — agregue el usuario al grupo dialout`;
  if (code === 'EBUSY' || /EBUSY|lock/i.test(msg)) return `puerto ${path} ocupado por otro proceso — ciérrelo`;
  return `error en el puerto ${path} (${msg}) — revise el cable USB`;
}

export function createSerialLineTransport(options: SerialLineTransportOptions) {
  const { path, status } = options;
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  let closeCurrent: (() => Promise<void>) | undefined;

  /** Opens the port; resolves with `lost`, which settles when the port is lost or closed (wrapped: an async function would adopt it). */
  async function openOnce(): Promise<{ lost: Promise<void> }> {
    const { SerialPort, ReadlineParser } = await import('serialport');
    const port = new SerialPort({ path, baudRate: options.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const parser = port.pipe(new ReadlineParser({ delimiter: '\n' }));
    parser.on('data', (line: string) => options.onLine(line.replace(/\r$/, '')));
    const lost = new Promise<void>((resolve) => {
      port.once('close', (err?: Error | null) => {
        if (err && !controller.signal.aborted) options.onError(err);
        resolve();
      });
      port.on('error', (err) => {
        if (!controller.signal.aborted) options.onError(err);
        if (port.isOpen) port.close(() => undefined);
        else resolve();
      });
    });
    closeCurrent = () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
    return { lost };
  }

  async function run(firstAttempt: () => void): Promise<void> {
    let attempt = 0;
    while (!controller.signal.aborted) {
      try {
        const { lost } = await openOnce();
        if (controller.signal.aborted) break;
        attempt = 0;
        status.set('ok', `leyendo ${path}`);
        firstAttempt();
        await lost;
        if (controller.signal.aborted) break;
        status.set('retrying', `se perdió la conexión con ${path} — revise el cable USB`);
      } catch (err) {
        if (controller.signal.aborted) break;
        options.onError(err as Error);
        status.set('retrying', describePortError(path, err));
        firstAttempt();
      }
      await sleep(backoffDelayMs(attempt++, options.retry), controller.signal);
    }
  }

  return {
    /** Resolves after the first open attempt, whether it worked or not. */
    start(): Promise<void> {
      return new Promise<void>((resolve) => {
        loop = run(resolve);
      });
    },
    async stop(): Promise<void> {
      controller.abort();
      await closeCurrent?.();
      await loop;
    },
  };
}
