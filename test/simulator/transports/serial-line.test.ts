import { ReadlineParser, SerialPort } from 'serialport';
import { afterEach, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from '../../services/socat.ts';
import { formatProbeLine, openSerialLineProbe, type SerialLineProbe } from './serial-line.ts';

let pair: PtyPair | undefined;
let probe: SerialLineProbe | undefined;
let reader: SerialPort | undefined;
afterEach(async () => {
  await probe?.stop();
  if (reader?.isOpen) await new Promise((r) => reader!.close(r));
  await pair?.stop();
  probe = reader = pair = undefined;
});

it('formats the probe line with fixed decimals and CR LF', () => {
  const line = formatProbeLine([
    { key: 'PH', value: 7.1, decimals: 2 },
    { key: 'TURB', value: 35.25, decimals: 1 },
  ]);
  expect(line).toBe('PH=7.10;TURB=35.3\r\n');
});

it('prints lines that the other end of a socat pty pair reads in order', async () => {
  pair = await startPtyPair();
  reader = new SerialPort({ path: pair.a, baudRate: 9600 });
  await new Promise((r) => reader!.once('open', r));
  const lines: string[] = [];
  reader.pipe(new ReadlineParser({ delimiter: '\r\n' })).on('data', (l: string) => lines.push(l));
  probe = await openSerialLineProbe(pair.b);
  const sent = [];
  for (const [ph, turb] of [
    [7.12, 35.2],
    [5.61, 41.07],
    [14, 0.5],
  ] as const) {
    sent.push(
      await probe.writeLine([
        { key: 'PH', value: ph, decimals: 2 },
        { key: 'TURB', value: turb, decimals: 1 },
      ]),
    );
  }
  expect(sent).toEqual(['PH=7.12;TURB=35.2\r\n', 'PH=5.61;TURB=41.1\r\n', 'PH=14.00;TURB=0.5\r\n']);
  const deadline = Date.now() + 5000;
  while (lines.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(lines).toEqual(['PH=7.12;TURB=35.2', 'PH=5.61;TURB=41.1', 'PH=14.00;TURB=0.5']);
});

it('fails to open a path that does not exist', async () => {
  await expect(openSerialLineProbe('/nonexistent/vigia-tty')).rejects.toThrow();
});
