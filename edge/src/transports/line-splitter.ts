/**
 * @module transports/line-splitter
 * Splits a byte stream into text lines (without `\n` or a trailing `\r`), with a cap: a line
 * longer than `maxBytes` is never accumulated past the cap. It is dropped up to its end and
 * reported once through `onOverlong`. Why: a device (or noise on the wire) sending bytes without
 * a line end would otherwise grow the agent's memory without bound and cost a regex run on
 * megabytes; serialport's ReadlineParser has no cap.
 */
export type LineSplitter = { push(chunk: Buffer): void };

export function lineSplitter(
  maxBytes: number,
  onLine: (line: string) => void,
  onOverlong: (bytesSeen: number) => void,
): LineSplitter {
  let parts: Buffer[] = [];
  let size = 0;
  /** Bytes of a line being dropped (over the cap), or -1 when not dropping. */
  let dropping = -1;
  return {
    push(chunk: Buffer) {
      let start = 0;
      while (start < chunk.length) {
        const nl = chunk.indexOf(0x0a, start);
        const end = nl === -1 ? chunk.length : nl;
        const piece = chunk.subarray(start, end);
        if (dropping >= 0) dropping += piece.length;
        else if (size + piece.length > maxBytes) {
          dropping = size + piece.length;
          parts = [];
          size = 0;
        } else {
          parts.push(piece);
          size += piece.length;
        }
        if (nl === -1) break;
        if (dropping >= 0) onOverlong(dropping);
        else onLine(Buffer.concat(parts, size).toString('utf8').replace(/\r$/, ''));
        parts = [];
        size = 0;
        dropping = -1;
        start = nl + 1;
      }
    },
  };
}
