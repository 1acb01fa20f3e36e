/**
 * @module transports/serial-port
 * A serial port kept open (as text lines for serial-line, as raw bytes for modbus-rtu): if it
 * cannot be opened or disappears, it retries with capped backoff and reports `retrying` with a detail a technician can act on. Never throws
 * out of `start`. `serialport` (native) is loaded lazily, where the program meets the port.
 */
import { existsSync } from 'node:fs';
import { type BackoffOptions, backoffMs, portProblem } from '@vigia/shared';
import { sleep } from '../backoff.ts';
import type { StatusTracker } from '../status.ts';
import { lineSplitter } from './line-splitter.ts';

type SerialModule = typeof import('serialport');
const WATCHDOG_MS = 500;
/** An open port as `serialport` gives it. */
export type OpenSerialPort = InstanceType<SerialModule['SerialPort']>;

export type SerialTransportOptions = {
  path: string;
  baudRate: number;
  parity?: 'none' | 'even' | 'odd';
  status: StatusTracker;
  retry: BackoffOptions;
  /** Called once per failed open or lost port, with the underlying error. */
  onError: (err: Error) => void;
  /** The port is open: attach readers. Called once per successful open. */
  onOpen: (port: OpenSerialPort) => void;
  /** The port opened last is gone (lost, or closed by `stop`). */
  onLost?: () => void;
};

export type SerialLineTransportOptions = Omit<SerialTransportOptions, 'onOpen' | 'onLost' | 'parity'> & {
  onLine: (line: string) => void;
  /** Longest line accepted, in bytes; a longer one is dropped and reported to `onOverlong`. */
  maxLine: number;
  onOverlong: (bytes: number) => void;
};

/** What to tell a technician, in Spanish, for an error opening or reading a port. */
export function describePortError(path: string, err: unknown): string {
  const { kind, message } = portProblem(err);
  if (kind === 'missing') return `no se puede abrir ${path} — revise el cable USB`;
  if (kind === 'permission') return `sin permiso para abrir ${path} — agregue el usuario al grupo dialout`;
  if (kind === 'busy') return `puerto ${path} ocupado por otro proceso — ciérrelo`;
  return `error en el puerto ${path} (${message}) — revise el cable USB`;
}

/** A serial port read as text lines (one call of `onLine` per line, without the line end), capped at `maxLine` bytes. */
export function createSerialLineTransport(options: SerialLineTransportOptions) {
  return createSerialTransport({
    ...options,
    onOpen(port) {
      const lines = lineSplitter(options.maxLine, options.onLine, options.onOverlong);
      port.on('data', (chunk: Buffer) => lines.push(chunk));
    },
  });
}

/** A serial port kept open; the caller attaches its own reader in `onOpen` (raw bytes, lines…). */
export function createSerialTransport(options: SerialTransportOptions) {
  const { path, status } = options;
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  let closeCurrent: (() => Promise<void>) | undefined;

  /** Opens the port; resolves with `lost`, which settles when the port is lost or closed (wrapped: an async function would adopt it). */
  async function openOnce(): Promise<{ lost: Promise<void> }> {
    const serial = await import('serialport');
    const port = new serial.SerialPort({
      path,
      baudRate: options.baudRate,
      parity: options.parity ?? 'none',
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    // A USB adapter pulled (or a pty whose other end closed) hangs the tty up; reads then return
    // 0 bytes, which serialport retries forever without an error or a 'close'. The device node
    // disappears, though: watching the path is what notices the loss when nothing is written.
    const watchdog = setInterval(() => {
      if (existsSync(path) || !port.isOpen) return;
      options.onError(Object.assign(new Error(`${path} disappeared (adapter unplugged?)`), { code: 'port_lost' }));
      port.close(() => undefined);
    }, WATCHDOG_MS);
    const lost = new Promise<void>((resolve) => {
      const gone = () => {
        clearInterval(watchdog);
        options.onLost?.();
        resolve();
      };
      port.once('close', (err?: Error | null) => {
        if (err && !controller.signal.aborted) options.onError(err);
        gone();
      });
      port.on('error', (err) => {
        if (!controller.signal.aborted) options.onError(err);
        if (port.isOpen) port.close(() => undefined);
        else gone();
      });
    });
    closeCurrent = () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
    options.onOpen(port);
    return { lost };
  }

  async function run(firstAttempt: () => void): Promise<void> {
    let attempt = 0;
    while (!controller.signal.aborted) {
      try {
        const { lost } = await openOnce();
        if (controller.signal.aborted) {
          await closeCurrent?.(); // stop() came while the port was opening
          break;
        }
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
      await sleep(backoffMs(attempt++, options.retry), controller.signal);
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
