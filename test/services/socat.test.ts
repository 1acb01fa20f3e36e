import { SerialPort } from 'serialport';
import { afterEach, expect, it } from 'vitest';
import { type PtyPair, startPtyPair } from './socat.ts';

let pair: PtyPair | undefined;
afterEach(async () => pair?.stop());

it('carries bytes from one end of a socat pty pair to the other', async () => {
  pair = await startPtyPair();
  const reader = new SerialPort({ path: pair.a, baudRate: 9600 });
  const writer = new SerialPort({ path: pair.b, baudRate: 9600 });
  const got = new Promise<string>((resolve) => reader.once('data', (d: Buffer) => resolve(d.toString())));
  await new Promise((r) => writer.once('open', r));
  writer.write('PH=7.10\n');
  expect(await got).toBe('PH=7.10\n');
  await Promise.all([new Promise((r) => reader.close(r)), new Promise((r) => writer.close(r))]);
});
