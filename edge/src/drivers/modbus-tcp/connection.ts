/**
 * @module modbus-tcp/connection
 * One TCP connection to a Modbus TCP device or gateway (`host:port`), kept open: if it cannot
 * connect or the connection drops, it reconnects after `backoffMs(attempt, retry)` (shared
 * formula) and says why in Spanish in the status. Never throws out of `start`.
 *
 * Requests are serialized: at most one in flight; it ends with the reply carrying its
 * transaction id, `timeout`, or `conn_lost`, and never rejects. A reply whose transaction id
 * is not the one in flight (a late answer to a request that timed out) is reported as stray
 * and dropped, so it can never be taken for the answer to a later request. A stream that is not
 * Modbus TCP is not guessed at: the connection is dropped and made again.
 */
import { createConnection as connectTcp, type Socket } from 'node:net';
import { type BackoffOptions, backoffMs, type FunctionName, TransientError } from '@vigia/shared';
import { sleep } from '../../backoff.ts';
import type { StatusTracker } from '../../status.ts';
import { type ParsedPdu, parsePdu, type ReplyExpectation, readRequest, splitAdus } from './mbap.ts';

export type Exchange = ParsedPdu | { kind: 'timeout' } | { kind: 'conn_lost' };

export type ConnectionOptions = {
  host: string;
  port: number;
  retry: BackoffOptions;
  /** How long a connection attempt may take (a host that drops packets gives no refusal). */
  connectTimeoutMs: number;
  clock: () => number;
  status: StatusTracker;
  /** Called once per failed attempt or lost connection, with the cause. */
  onError: (err: Error) => void;
  /** A reply with no request waiting for it (late, after its timeout). */
  onStray: (tid: number) => void;
  /** Connected: requests can be sent. */
  onOpen: () => void;
};

type Pending = { tid: number; expect: ReplyExpectation; timer: NodeJS.Timeout; done: (e: Exchange) => void };

/** What to tell a technician, in Spanish, for a failed or lost connection. */
export function describeConnectionError(address: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED')
    return `${address} rechaza la conexión — revise el puerto (normalmente 502) y que el equipo tenga Modbus TCP activo`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `no se encuentra el equipo ${address} — revise host`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `${address} no contesta — revise que esté encendido, el cable de red y la dirección IP`;
  return `se perdió la conexión con ${address} (${code ?? (err as Error).message}) — revise el cable de red`;
}

export function createTcpConnection(options: ConnectionOptions) {
  const address = `${options.host}:${options.port}`;
  const controller = new AbortController();
  let socket: Socket | undefined;
  let pending: Pending | undefined;
  let nextTid = 1;
  let loop: Promise<void> | undefined;

  function finish(exchange: Exchange): void {
    const p = pending;
    if (!p) return;
    pending = undefined;
    clearTimeout(p.timer);
    p.done(exchange);
  }

  /** Connects; resolves with `lost`, which settles when the connection ends (wrapped: an async function would adopt it). */
  function connectOnce(): Promise<{ lost: Promise<void> }> {
    return new Promise((resolve, reject) => {
      const s = connectTcp({ host: options.host, port: options.port, noDelay: true });
      const timer = setTimeout(
        () => s.destroy(Object.assign(new Error(`no answer from ${address}`), { code: 'ETIMEDOUT' })),
        options.connectTimeoutMs,
      );
      // Destroyed with an error so that a stop during connecting settles this promise too.
      const abort = () => s.destroy(new Error(`stopped while connecting to ${address}`));
      controller.signal.addEventListener('abort', abort, { once: true });
      s.once('error', (err) => {
        clearTimeout(timer);
        controller.signal.removeEventListener('abort', abort);
        reject(err);
      });
      if (controller.signal.aborted) abort();
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.setKeepAlive(true, 10_000);
        let received = Buffer.alloc(0);
        s.on('data', (chunk: Buffer) => {
          const split = splitAdus(Buffer.concat([received, chunk]));
          if ('broken' in split) {
            options.onError(
              new TransientError('modbus_garbled', `${address}: not a Modbus TCP stream (${split.broken})`),
            );
            s.destroy();
            return;
          }
          received = Buffer.from(split.rest);
          for (const adu of split.adus) {
            if (pending && adu.tid === pending.tid) finish(parsePdu(adu.pdu, pending.expect));
            else options.onStray(adu.tid);
          }
        });
        const lost = new Promise<void>((done) => {
          s.on('error', (err) => {
            if (!controller.signal.aborted) options.onError(err);
          });
          s.once('close', () => {
            controller.signal.removeEventListener('abort', abort);
            if (socket === s) socket = undefined;
            finish({ kind: 'conn_lost' });
            done();
          });
        });
        socket = s;
        resolve({ lost });
      });
    });
  }

  async function run(firstAttempt: () => void): Promise<void> {
    let attempt = 0;
    while (!controller.signal.aborted) {
      try {
        const { lost } = await connectOnce();
        if (controller.signal.aborted) break;
        attempt = 0;
        options.status.set('ok', `conectado a ${address}`);
        options.onOpen();
        firstAttempt();
        await lost;
        if (controller.signal.aborted) break;
        options.status.set('retrying', `se perdió la conexión con ${address} — revise el cable de red`);
      } catch (err) {
        if (controller.signal.aborted) break;
        options.onError(err as Error);
        options.status.set('retrying', describeConnectionError(address, err));
        firstAttempt();
      }
      await sleep(backoffMs(attempt++, options.retry), controller.signal);
    }
  }

  return {
    address,
    isOpen: () => socket !== undefined,
    /** Resolves after the first connection attempt, whether it worked or not. */
    start(): Promise<void> {
      return new Promise<void>((resolve) => {
        loop = run(resolve);
      });
    },
    async stop(): Promise<void> {
      controller.abort();
      socket?.destroy();
      await loop;
    },
    /** Reads `count` registers of `unit`; resolves with the outcome and when it came. */
    request(
      unit: number,
      fn: FunctionName,
      register: number,
      count: number,
      expect: ReplyExpectation,
      timeoutMs: number,
    ): Promise<{ exchange: Exchange; at: number }> {
      return new Promise((resolve) => {
        const done = (exchange: Exchange) => resolve({ exchange, at: options.clock() });
        if (!socket || pending) return done({ kind: 'conn_lost' });
        const tid = nextTid;
        nextTid = (nextTid % 0xffff) + 1;
        const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
        pending = { tid, expect, timer, done };
        socket.write(readRequest(tid, unit, fn, register, count));
      });
    },
  };
}
export type TcpConnection = ReturnType<typeof createTcpConnection>;
