/**
 * @module modbus-rtu/bus
 * One RS-485 line as a Modbus master sees it: at most one request in flight; each request
 * gets the reply to it, or `timeout`, `crc`, `garbled`, or `port_lost`. Never rejects.
 * Bytes that arrive with no request in flight are reported as stray (a late reply, another
 * master, wrong line settings) and dropped, so they cannot be taken for the next reply.
 */
import { type ParsedReply, parseReply, type ReplyExpectation } from './frame.ts';

export type BytePort = { write(data: Buffer): unknown };

export type Exchange =
  | Exclude<ParsedReply, { kind: 'incomplete' }>
  | { kind: 'timeout' }
  /** The port closed or failed while waiting: not the unit's fault. */
  | { kind: 'port_lost' };

export type BusOptions = {
  baud: number;
  /** How long a unit may take to start answering, on top of the time the bytes need on the wire. */
  timeoutMs: number;
  clock: () => number;
  onStray: (bytes: number) => void;
};

/** Milliseconds `bytes` take on the wire at `baud` (11 bits per character: start, 8 data, parity or stop, stop). */
export const wireMs = (bytes: number, baud: number): number => (bytes * 11 * 1000) / baud;

/** The silence that separates two frames: 3.5 characters, fixed at 1.75 ms above 19200 baud (Modbus serial line 2.5.1.1). */
export const frameGapMs = (baud: number): number => (baud > 19_200 ? 1.75 : wireMs(3.5, baud));

type Pending = {
  expect: ReplyExpectation;
  received: Buffer;
  timer: NodeJS.Timeout;
  done: (exchange: Exchange) => void;
};

export function createBus(options: BusOptions) {
  let port: BytePort | undefined;
  let pending: Pending | undefined;

  function finish(exchange: Exchange): void {
    const p = pending;
    if (!p) return;
    pending = undefined;
    clearTimeout(p.timer);
    p.done(exchange);
  }

  return {
    isOpen: () => port !== undefined,
    attach(p: BytePort): void {
      port = p;
    },
    /** The port is gone: the request in flight (if any) ends as `port_lost`. */
    detach(): void {
      port = undefined;
      finish({ kind: 'port_lost' });
    },
    onData(chunk: Buffer): void {
      if (!pending) {
        options.onStray(chunk.length);
        return;
      }
      pending.received = Buffer.concat([pending.received, chunk]);
      const reply = parseReply(pending.received, pending.expect);
      if (reply.kind !== 'incomplete') finish(reply);
    },
    /** Send `frame` and wait for the reply to it. Resolves with the outcome and when it came. */
    request(frame: Buffer, expect: ReplyExpectation): Promise<{ exchange: Exchange; at: number }> {
      return new Promise((resolve) => {
        const done = (exchange: Exchange) => resolve({ exchange, at: options.clock() });
        if (!port || pending) return done({ kind: 'port_lost' });
        const replyBytes = 5 + 2 * expect.count;
        const waitMs = options.timeoutMs + wireMs(frame.length + replyBytes, options.baud);
        const timer = setTimeout(() => {
          const p = pending;
          if (!p) return;
          const last = parseReply(p.received, p.expect, true);
          finish(last.kind === 'incomplete' ? { kind: 'timeout' } : last);
        }, waitMs);
        pending = { expect, received: Buffer.alloc(0), timer, done };
        port.write(frame);
      });
    },
  };
}
export type Bus = ReturnType<typeof createBus>;
