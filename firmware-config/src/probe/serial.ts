/**
 * @module probe/serial
 * What `vigia-config probe` needs around a serial port when it opens one itself (no agent holds
 * it): open with a lock (so the agent and the probe never share it), close, and a deadline that
 * Ctrl+C ends early.
 */
type SerialModule = typeof import('serialport');
export type OpenPort = InstanceType<SerialModule['SerialPort']>;

export async function openPort(path: string, baudRate: number, parity: 'none' | 'even' | 'odd'): Promise<OpenPort> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate, parity, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

export const closePort = (port: OpenPort) =>
  new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));

/** Ends at the deadline, or earlier on Ctrl+C. */
export function makeDeadline(seconds: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  const onInt = () => controller.abort();
  process.once('SIGINT', onInt);
  const done = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()));
  return {
    signal: controller.signal,
    done,
    dispose() {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
    },
  };
}

export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
