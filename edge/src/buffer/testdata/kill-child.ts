/**
 * Child process for the kill -9 test: appends readings forever, acks the first batch, and
 * prints `acked <n>` once and `committed <seq>` after each append resolves. The parent kills it.
 */
import { createBuffer } from '../buffer.ts';

const path = process.argv[2];
const buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 5 });
buffer.open();
const t0 = 1_800_000_000_000;
let seq = 0;
const next = (n: number) =>
  Array.from({ length: n }, () => ({ sensor: 'k.s', ts: t0 + seq++, value: seq, q: 'good' as const }));
await buffer.append(next(100));
const batch = buffer.take(50);
buffer.ack(batch);
process.stdout.write(`acked ${batch.length}\n`);
for (;;) {
  await buffer.append(next(10));
  process.stdout.write(`committed ${seq}\n`);
}
