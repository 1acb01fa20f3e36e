/**
 * @module test/simulator/record
 * `--record file.jsonl`: one JSON line `{sensor, value, sent_at}` per value the simulator
 * delivered, so end-to-end tests can check that values arrive intact. Appends synchronously:
 * a line on disk means the value was sent, even if the process is killed right after.
 */
import { appendFileSync } from 'node:fs';

export type RecordLine = { sensor: string; value: number; sent_at: number };
export type Recorder = (sensor: string, value: number, sentAt: number) => void;

export function openRecorder(path: string | undefined): Recorder {
  if (!path) return () => {};
  return (sensor, value, sentAt) => {
    const line: RecordLine = { sensor, value, sent_at: sentAt };
    appendFileSync(path, `${JSON.stringify(line)}\n`);
  };
}
