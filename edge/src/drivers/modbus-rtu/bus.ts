/**
 * @module modbus-rtu/bus
 * One RS-485 line as a Modbus master sees it: at most one request in flight; each request
 * gets the reply to it, or `timeout`, `crc`, `garbled`, or `port_lost`. Never rejects.
 * Bytes that arrive with no request in flight are reported as stray (a late reply, another
 * master, wrong line settings) and dropped, so they cannot be taken for the next reply.
 *
 * A late reply (the unit answers after its request timed out) must never be taken for the
 * next request's reply. The parser looks only for a frame of the pending request's shape
 * (unit, function, register count), so a late reply of another shape is skipped by it. A late
 * reply of the same shape (the same unit, another register; or a probe of it) would be taken:
 * so after a timeout the bus remembers the request for `lateMs` (the unit's "ghost"), and a
 * request of the same shape waits, with the line quiet, until the late reply has come and
 * been dropped, or `lateMs` has passed. A silent unit's next request of another shape (the
 * usual case: the other units) is not delayed at all. A reply later than timeout + `lateMs`
 * cannot be told apart on a bus without transaction ids (libmodbus waits one more timeout too).
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
  /** How long after a timeout a late reply of that request is still expected; `timeoutMs` by default. */
  lateMs?: number;
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

/** A request that timed out, whose reply may still come (see the module comment). */
type Ghost = { expect: ReplyExpectation; received: Buffer; gone: Promise<void>; end: () => void };

const sameShape = (a: ReplyExpectation, b: ReplyExpectation): boolean =>
  a.unit === b.unit && a.functionCode === b.functionCode && a.count === b.count;

export function createBus(options: BusOptions) {
  let port: BytePort | undefined;
  let pending: Pending | undefined;
  let ghost: Ghost | undefined;

  function haunt(expect: ReplyExpectation): void {
    ghost?.end();
    let resolveGone = () => {};
    const gone = new Promise<void>((resolve) => {
      resolveGone = resolve;
    });
    const g: Ghost = {
      expect,
      received: Buffer.alloc(0),
      gone,
      end: () => {
        clearTimeout(timer);
        if (ghost === g) ghost = undefined;
        resolveGone();
      },
    };
    const timer = setTimeout(g.end, options.lateMs ?? options.timeoutMs);
    timer.unref();
    ghost = g;
  }

  /** Stray bytes: dropped; if they complete the ghost's late reply, the ghost is gone. */
  function stray(chunk: Buffer): void {
    options.onStray(chunk.length);
    if (!ghost) return;
    ghost.received = Buffer.concat([ghost.received, chunk]);
    if (parseReply(ghost.received, ghost.expect).kind !== 'incomplete') ghost.end();
  }

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
      ghost?.end();
      finish({ kind: 'port_lost' });
    },
    onData(chunk: Buffer): void {
      if (!pending) {
        stray(chunk);
        return;
      }
      pending.received = Buffer.concat([pending.received, chunk]);
      const reply = parseReply(pending.received, pending.expect);
      if (reply.kind !== 'incomplete') finish(reply);
    },
    /** Send `frame` and wait for the reply to it. Resolves with the outcome and when it came. */
    async request(frame: Buffer, expect: ReplyExpectation): Promise<{ exchange: Exchange; at: number }> {
      // Its late reply could be taken for this one: wait until it came (dropped) or cannot come.
      if (ghost && sameShape(ghost.expect, expect)) {
        await ghost.gone;
        await new Promise((resolve) => setTimeout(resolve, frameGapMs(options.baud)));
      }
      return new Promise((resolve) => {
        const done = (exchange: Exchange) => resolve({ exchange, at: options.clock() });
        if (!port || pending) return done({ kind: 'port_lost' });
        const replyBytes = 5 + 2 * expect.count;
        const waitMs = options.timeoutMs + wireMs(frame.length + replyBytes, options.baud);
        const timer = setTimeout(() => {
          const p = pending;
          if (!p) return;
          const last = parseReply(p.received, p.expect, true);
          if (last.kind === 'incomplete') haunt(p.expect);
          finish(last.kind === 'incomplete' ? { kind: 'timeout' } : last);
        }, waitMs);
        pending = { expect, received: Buffer.alloc(0), timer, done };
        port.write(frame);
      });
    },
  };
}
export type Bus = ReturnType<typeof createBus>;
