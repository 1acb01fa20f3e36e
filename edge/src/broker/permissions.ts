/**
 * @module broker/permissions
 * What each MQTT user of the embedded broker may do (config/broker.ts, edge/README.md
 * "Seguridad / Security"): publish only its own topics (`broker.users[].topics`), retain only
 * when `retain: true`, subscribe only to the filters listed in `subscribe` (default none), and
 * never publish the agent's alarm topic or `$SYS`. Anonymous clients (only with
 * `allow_anonymous: true`) may publish the MQTT sensors' topics, never retained, and subscribe
 * to nothing. Why: a node's password can be sniffed or read from its flash; with it, a node must
 * not be able to write another sensor's readings, fake or clear an alarm, or read the site.
 */
export type Grant = { publish: ReadonlySet<string>; retain: boolean; subscribe: ReadonlySet<string> };

export type BrokerPermissions = {
  /** The grant of a user (`undefined`: anonymous); undefined if the user has none. */
  of(username: string | undefined): Grant | undefined;
  /** Topics no client may publish (the agent's alarm topic). */
  reserved: ReadonlySet<string>;
};

export type UserTopics = { username: string; topics: readonly string[]; retain: boolean; subscribe: readonly string[] };

export function brokerPermissions(
  users: readonly UserTopics[],
  anonymousTopics: ReadonlySet<string> | undefined,
  reserved: readonly string[],
): BrokerPermissions {
  const grants = new Map<string, Grant>(
    users.map((u) => [u.username, { publish: new Set(u.topics), retain: u.retain, subscribe: new Set(u.subscribe) }]),
  );
  const anonymous: Grant | undefined = anonymousTopics
    ? { publish: anonymousTopics, retain: false, subscribe: new Set() }
    : undefined;
  return { of: (username) => (username === undefined ? anonymous : grants.get(username)), reserved: new Set(reserved) };
}

/** Why a publish is refused, or null if it is allowed. */
export function publishRefusal(
  perms: BrokerPermissions,
  username: string | undefined,
  topic: string,
  retain: boolean,
): string | null {
  if (topic.startsWith('$')) return 'topics starting with $ are reserved';
  if (perms.reserved.has(topic)) return 'only the agent publishes its alarm topic';
  const grant = perms.of(username);
  if (!grant?.publish.has(topic)) return 'not one of the topics this user may publish (broker.users[].topics)';
  if (retain && !grant.retain) return 'retained publishes are not allowed for this user (broker.users[].retain)';
  return null;
}

/** Whether a subscription to `filter` is allowed: listed exactly in the user's `subscribe`. */
export function maySubscribe(perms: BrokerPermissions, username: string | undefined, filter: string): boolean {
  return perms.of(username)?.subscribe.has(filter) ?? false;
}
