/**
 * @module broker/embedded-broker
 * The embedded MQTT broker (aedes) that sensor nodes publish to. Publishes to a configured
 * sensor topic are handled inside aedes' `authorizePublish` hook, which runs before aedes
 * sends the QoS 1 PUBACK: the PUBACK goes out only after the readings are committed to the
 * buffer. If storing fails, or no handler is attached (starting or stopping), the publish is
 * refused, aedes closes that connection, and the node resends after reconnecting: no silent loss.
 * While a node's sensor publish waits for its commit, the node's next packets wait in the
 * kernel and are read together after it (gated-connection.ts): a node publishing 100 times a
 * second wakes the agent about 4 times a second, not 100. Other topics pass through as in any
 * broker. A QoS 1 resend (DUP) of a message already stored is acknowledged again and not
 * stored twice. Passwords are compared in constant time.
 * Security (edge/README.md "Seguridad / Security"): each user publishes and subscribes only as
 * permissions.ts allows, and each refusal is counted and logged with user and topic
 * (`onRefused`); a packet over `limits.maxPacketBytes` or malformed closes its connection only
 * (packet-limit.ts); connections are capped in number and per address per minute
 * (admission.ts); with `tls` the broker speaks MQTT over TLS only.
 * The packet writer aedes uses (mqtt-packet, one instance in the install) is told not to build its
 * cache of 65,536 two-byte buffers: ~5 MB of heap on a Pi for a broker that writes a few packets a
 * second (mqtt.js's `writeCache: false` does the same).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { createStatus } from '../status.ts';
import type { MessageHandler, MqttIntake } from '../transports/mqtt-intake.ts';
import { connectionAdmission } from './admission.ts';
import { GATED_SOCKET_OPTIONS, GatedConnection } from './gated-connection.ts';
import { type BrokerPermissions, maySubscribe, publishRefusal } from './permissions.ts';

export type RefusedAction = 'publish' | 'subscribe' | 'connection' | 'packet';

export type BrokerUserSecret = { username: string; password: Buffer };

export type EmbeddedBrokerOptions = {
  host: string;
  port: number;
  allowAnonymous: boolean;
  users: readonly BrokerUserSecret[];
  /** The sensor topics whose publishes must be stored before they are acknowledged. */
  topics: ReadonlySet<string>;
  permissions: BrokerPermissions;
  limits: { maxPacketBytes: number; maxConnections: number; connectionsPerMinute: number };
  /** PEM certificate and key: MQTT over TLS only. */
  tls?: { cert: string; key: string };
  onError: (err: Error) => void;
  /** A refused publish, subscription, connection or packet: `user` undefined for anonymous or unknown. */
  onRefused: (action: RefusedAction, user: string | undefined, detail: string) => void;
};

const digest = (b: Buffer) => createHash('sha256').update(b).digest();

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Whether the credentials are acceptable; constant time in the password. */
export function checkCredentials(
  users: readonly BrokerUserSecret[],
  allowAnonymous: boolean,
  username: string | undefined,
  password: Buffer | undefined,
): boolean {
  if (username === undefined) return allowAnonymous;
  const given = digest(password ?? Buffer.alloc(0));
  let ok = false;
  for (const u of users) {
    // Compare every user so timing does not reveal which usernames exist.
    const match = timingSafeEqual(digest(u.password), given) && u.username === username;
    ok ||= match;
  }
  return ok;
}

/** Stored QoS 1 message ids remembered per client, and clients remembered (oldest forgotten). */
const IDS_PER_CLIENT = 256;
const CLIENTS = 256;

/**
 * The QoS 1 message ids whose readings were stored, per client id, while this agent runs: a
 * node that lost a PUBACK with its connection resends the message with DUP set, and it must
 * not become a second reading. Bounded: a node resends only what is in flight (mqtt.js: at most
 * its in-flight window), so the newest IDS_PER_CLIENT ids suffice. After an agent restart the
 * memory is empty: a message stored just before a kill and resent after it is stored twice.
 */
function storedMessageIds() {
  const clients = new Map<string, Set<number>>();
  return {
    of(clientId: string): Set<number> {
      let ids = clients.get(clientId);
      if (ids)
        clients.delete(clientId); // re-inserted: the Map's order is least recently used first
      else ids = new Set();
      clients.set(clientId, ids);
      if (clients.size > CLIENTS) clients.delete(clients.keys().next().value as string);
      return ids;
    },
    remember(ids: Set<number>, id: number) {
      ids.add(id);
      if (ids.size > IDS_PER_CLIENT) ids.delete(ids.values().next().value as number);
    },
  };
}

export function createEmbeddedBroker(options: EmbeddedBrokerOptions): MqttIntake {
  const status = createStatus('broker MQTT iniciando');
  const resends = storedMessageIds();
  let handler: MessageHandler | undefined;
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let boundPort = options.port;
  /** Who each connected client authenticated as (undefined: anonymous). */
  const userOf = new WeakMap<Client, string | undefined>();
  const { onRefused, permissions } = options;

  async function start(): Promise<void> {
    mqttPacket.writeToStream.cacheNumbers = false;
    broker = await Aedes.createBroker({
      authenticate(client, username, password, done) {
        if (checkCredentials(options.users, options.allowAnonymous, username, password)) {
          userOf.set(client, username);
          return done(null, true);
        }
        onRefused('connection', username, username === undefined ? 'anonymous' : 'bad username or password');
        done(
          authError(
            username === undefined ? 'anonymous not allowed' : 'bad username or password',
            username === undefined ? 5 : 4,
          ),
          false,
        );
      },
      authorizeSubscribe(client, sub, done) {
        const user = client ? userOf.get(client) : undefined;
        if (client && maySubscribe(permissions, user, sub.topic)) return done(null, sub);
        onRefused('subscribe', user, sub.topic);
        done(null, null); // a SUBACK that refuses this filter (0x80); the connection stays
      },
      authorizePublish(client, packet, done) {
        const user = client ? userOf.get(client) : undefined;
        const refusal = client ? publishRefusal(permissions, user, packet.topic, packet.retain) : null;
        if (refusal) {
          onRefused('publish', user, `${packet.topic}: ${refusal}`);
          return done(new Error(`publish to ${packet.topic} refused: ${refusal}`));
        }
        if (!options.topics.has(packet.topic)) return done(null);
        if (!handler) return done(new Error('agent not ready: publish refused, will be resent'));
        const id = packet.qos === 1 ? packet.messageId : undefined;
        const stored = id !== undefined && client ? resends.of(client.id) : undefined;
        if (stored && id !== undefined) {
          // A resend (DUP) of a message already stored: its PUBACK was lost with the connection.
          // Acknowledge it again, do not store a second reading stamped later.
          if (packet.dup && stored.has(id)) return done(null);
          stored.delete(id); // a new message reusing the id
        }
        // This connection's next packets wait for this commit (gated-connection.ts).
        const gate = client?.conn instanceof GatedConnection ? client.conn : undefined;
        gate?.hold();
        handler(packet.topic, packet.payload as Buffer)
          .then(
            () => {
              if (stored && id !== undefined) resends.remember(stored, id);
              done(null);
            },
            (err: Error) => done(err),
          )
          .finally(() => gate?.release());
      },
    });
    broker.on('clientError', (_client, err) => options.onError(err));
    const aedes = broker;
    const admission = connectionAdmission(options.limits.connectionsPerMinute);
    const onSocket = (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      if (!admission.admit(address)) {
        onRefused(
          'connection',
          undefined,
          `${address}: over ${options.limits.connectionsPerMinute} connections a minute`,
        );
        socket.destroy();
        return;
      }
      aedes.handle(
        new GatedConnection(socket, options.limits.maxPacketBytes, (why) =>
          onRefused('packet', undefined, `${address}: ${why}`),
        ),
      );
    };
    const srv = options.tls
      ? createTlsServer({ ...GATED_SOCKET_OPTIONS, cert: options.tls.cert, key: options.tls.key }, onSocket)
      : createServer(GATED_SOCKET_OPTIONS, onSocket);
    srv.maxConnections = options.limits.maxConnections;
    srv.on('drop', (data?: { remoteAddress?: string }) =>
      onRefused(
        'connection',
        undefined,
        `${data?.remoteAddress ?? 'unknown'}: over ${options.limits.maxConnections} connections open`,
      ),
    );
    // A TLS handshake that fails (plain MQTT on the TLS port, a bad client) closes that socket only.
    srv.on('tlsClientError', (err: Error) => onRefused('connection', undefined, `TLS: ${err.message}`));
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(options.port, options.host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const addr = srv.address();
    if (addr && typeof addr === 'object') boundPort = addr.port;
    status.set('ok', `escuchando en ${options.host}:${boundPort}`);
  }

  async function stop(): Promise<void> {
    const srv = server;
    const b = broker;
    server = undefined;
    broker = undefined;
    const closed = srv ? new Promise<void>((r) => srv.close(() => r())) : Promise.resolve();
    if (b) await new Promise<void>((r) => b.close(() => r()));
    await closed;
    status.set('stopped', 'broker MQTT detenido');
  }

  return {
    kind: 'embedded',
    address: () => `${options.tls ? 'mqtts' : 'mqtt'}://${options.host}:${boundPort}`,
    start,
    stop,
    attach(h) {
      handler = h;
    },
    detach() {
      handler = undefined;
    },
    publish(topic, payload, opts) {
      const b = broker;
      if (!b) return Promise.reject(new Error('the embedded MQTT broker is not running'));
      return new Promise((resolve, reject) =>
        b.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: opts.retain, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    },
    status: () => status.get(),
  };
}
