/**
 * A bare aedes broker, the floor under the agent's MQTT intake: the same aedes as the agent,
 * any credentials, every publish authorized at once (so each gets its own PUBACK), nothing
 * stored or forwarded. Prints `{"port": n}` once listening; exits on SIGINT or SIGTERM.
 * Run by edge.bench.ts as its own process, with the agent's Node flags.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';

// aedes is a dependency of the edge package, not of test/: load it from there.
const aedesPath = createRequire(new URL('../../edge/package.json', import.meta.url)).resolve('aedes');
const { Aedes } = await import(pathToFileURL(aedesPath).href);
const broker = await Aedes.createBroker({
  authenticate: (_client, _user, _password, done) => done(null, true),
  authorizePublish: (_client, _packet, done) => done(null),
});
const server = createServer(broker.handle);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
