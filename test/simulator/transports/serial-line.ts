/**
 * @module test/simulator/transports/serial-line
 * A discharge probe that prints one ASCII line per reading on a serial port, e.g.
 * `PH=7.12;TURB=35.2\r\n`, as many cheap probes with a UART do.
 */
import { SerialPort } from 'serialport';

export type ProbeField = { key: string; value: number; decimals: number };

/** The line the probe prints, CR LF terminated. */
export function formatProbeLine(fields: readonly ProbeField[]): string {
  return `${fields.map((f) => `${f.key}=${f.value.toFixed(f.decimals)}`).join(';')}\r\n`;
}

export type SerialLineProbe = {
  /** Write one line; resolves once it is handed to the OS, with the line written. */
  writeLine: (fields: readonly ProbeField[]) => Promise<string>;
  stop: () => Promise<void>;
};

/** Open `path` and return a probe writing to it. */
export async function openSerialLineProbe(path: string, baudRate = 9600): Promise<SerialLineProbe> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return {
    writeLine: (fields) =>
      new Promise((resolve, reject) => {
        const line = formatProbeLine(fields);
        port.write(line, (err) => {
          if (err) return reject(err);
          port.drain((e) => (e ? reject(e) : resolve(line)));
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
