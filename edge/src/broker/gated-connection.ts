/**
 * @module broker/gated-connection
 * A node's TCP connection as aedes sees it, with a gate on the way in: while a sensor publish
 * from this connection waits for its commit (`hold`), the node's next bytes stay in the kernel;
 * when they are committed (`release`), everything that came meanwhile passes at once.
 *
 * Why: aedes reads each packet the moment it arrives, so a node publishing 100 readings a
 * second wakes the agent 100 times a second, and on a small CPU the waking costs more than the
 * work (docs/decisions/2026-11-30-edge-cpu-gated-intake.md). The node is waiting for those
 * commits anyway: a QoS 1 publish is acknowledged only once stored, and the buffer commits at
 * most every 250 ms. Cost: a reading without its own time is stamped when it passes the gate,
 * at most one commit window after it arrived (the buffer's module comment says so too).
 *
 * How the bytes stay in the kernel: the server makes its sockets with `highWaterMark: 1`, so a
 * socket whose data nobody reads stops reading after one chunk (Readable backpressure), and
 * starts again when `read()` empties it. Backpressure from aedes (it pauses a client while it
 * authenticates) reaches the socket the same way.
 *
 * Every chunk that passes is checked against the packet-size limit (packet-limit.ts): a packet
 * over it, or a malformed header, destroys this connection only, before aedes buffers it.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { type PacketLimit, packetLimit } from './packet-limit.ts';

/** Socket options for the server whose connections are gated (see the module comment). */
export const GATED_SOCKET_OPTIONS = { highWaterMark: 1 } as const;

export class GatedConnection extends Duplex {
  readonly #socket: Socket;
  #holds = 0;
  /** True from a release until the bytes the kernel held are read (the next poll of the loop). */
  #draining = false;
  readonly #limit: PacketLimit;
  readonly #onRefused: (reason: string) => void;

  constructor(socket: Socket, maxPacketBytes = 64 * 1024, onRefused: (reason: string) => void = () => undefined) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    this.#limit = packetLimit(maxPacketBytes);
    this.#onRefused = onRefused;
    socket.on('readable', () => this.#pass());
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  /** A publish from this connection is waiting for its commit: keep the next bytes back. */
  hold(): void {
    this.#holds++;
  }

  /** That publish is settled: once none waits, let everything through. */
  release(): void {
    if (this.#holds === 0 || --this.#holds > 0) return;
    this.#draining = true;
    this.#pass();
    // read() above restarted the socket: what the kernel holds arrives at the loop's next poll,
    // before this runs. Let it through too, even if its first publish holds the gate again.
    setImmediate(() => {
      this.#pass();
      this.#draining = false;
    });
  }

  #pass(): void {
    if (this.#holds > 0 && !this.#draining) return;
    for (let chunk = this.#socket.read(); chunk !== null; chunk = this.#socket.read()) {
      const refused = this.#limit.feed(chunk);
      if (refused) {
        this.#onRefused(refused);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) return; // aedes is not reading: _read() resumes
    }
  }

  override _read(): void {
    this.#pass();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.#socket.write(chunk, done);
  }

  /** A packet mqtt-packet wrote in parts (it corks the stream) goes out as one write. */
  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void): void {
    this.#socket.write(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk)), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#socket.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#socket.destroy(err ?? undefined);
    done(err);
  }
}
