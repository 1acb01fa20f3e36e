import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GATED_SOCKET_OPTIONS, GatedConnection } from './gated-connection.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

type Pair = { gate: GatedConnection; socket: Socket; node: Socket; got: () => string };

let server: Server | undefined;
const nodes: Socket[] = [];
const gates: GatedConnection[] = [];

afterEach(async () => {
  // Both ends: a gate left held would never read the node's FIN, and close() would wait.
  for (const n of [...nodes.splice(0), ...gates.splice(0)]) n.destroy();
  const s = server;
  server = undefined;
  if (s) await new Promise((r) => s.close(r));
});

/** A real TCP connection: `node` is the sensor node's end, `gate` what aedes would read. */
async function connect(onData?: (gate: GatedConnection, chunk: Buffer) => void): Promise<Pair> {
  const chunks: Buffer[] = [];
  const accepted = new Promise<{ gate: GatedConnection; socket: Socket }>((resolve) => {
    server = createServer(GATED_SOCKET_OPTIONS, (socket) => {
      const gate = new GatedConnection(socket);
      gates.push(gate);
      gate.on('data', (d: Buffer) => {
        chunks.push(d);
        onData?.(gate, d);
      });
      resolve({ gate, socket });
    });
  });
  const srv = server as unknown as Server;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const address = srv.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  const node = createConnection({ port: address.port, host: '127.0.0.1', noDelay: true });
  nodes.push(node);
  await new Promise((r) => node.once('connect', r));
  const { gate, socket } = await accepted;
  return { gate, socket, node, got: () => Buffer.concat(chunks).toString() };
}

describe('GatedConnection (real TCP sockets on loopback)', () => {
  it('passes bytes as they come while nothing is held', async () => {
    const { node, got } = await connect();
    node.write('a');
    await waitUntil(() => got() === 'a', '"a"');
    node.write('b');
    await waitUntil(() => got() === 'ab', '"ab"');
  });

  it('while held, what arrives stays in the kernel after one chunk; release passes it all, in order', async () => {
    const { gate, socket, node, got } = await connect();
    node.write('a');
    await waitUntil(() => got() === 'a', '"a"');
    gate.hold();
    const readBefore = socket.bytesRead;
    for (const part of ['b', 'c', 'd']) {
      node.write(part);
      await sleep(30); // separate segments
    }
    expect(got()).toBe('a');
    // The socket read the first chunk and then stopped: the rest was never read off the kernel.
    expect(socket.bytesRead - readBefore).toBe(1);
    gate.release();
    await waitUntil(() => got() === 'abcd', '"abcd" after release');
  });

  it('holds nest: bytes pass only when every hold is released', async () => {
    const { gate, node, got } = await connect();
    gate.hold();
    gate.hold();
    node.write('x');
    await sleep(30);
    gate.release();
    await sleep(30);
    expect(got()).toBe('');
    gate.release();
    await waitUntil(() => got() === 'x', '"x"');
    gate.release(); // one too many is harmless
  });

  it('a hold taken by the first packet after a release does not strand what the kernel held at the release', async () => {
    // As aedes does: each packet that passes takes a hold until its commit.
    const { gate, node, got } = await connect((g) => g.hold());
    node.write('a');
    await waitUntil(() => got() === 'a', '"a"');
    node.write('b'); // read into the socket, then it stops reading
    await sleep(30);
    node.write('c'); // stays in the kernel
    await sleep(30);
    expect(got()).toBe('a');
    gate.release();
    await waitUntil(() => got() === 'abc', '"abc": both chunks pass although "b" took a hold');
  });

  it('writes reach the node; a corked packet arrives whole', async () => {
    const { gate, node } = await connect();
    let received = '';
    node.on('data', (d: Buffer) => {
      received += d.toString();
    });
    gate.write('hello ');
    gate.cork();
    gate.write('wor');
    gate.write('ld');
    process.nextTick(() => gate.uncork());
    await waitUntil(() => received === 'hello world', '"hello world"');
  });

  it('the node closing while held is seen at the release: end, then close', async () => {
    const { gate, node, got } = await connect();
    gate.hold();
    node.end('z');
    const ended = new Promise((r) => gate.once('end', r));
    const closed = new Promise((r) => gate.once('close', r));
    await sleep(30);
    gate.release();
    await ended;
    await closed;
    expect(got()).toBe('z');
  });

  it('destroying the gate closes the TCP connection', async () => {
    const { gate, node } = await connect();
    const closed = new Promise((r) => node.once('close', r));
    gate.destroy();
    await closed;
  });
});
