/**
 * @module broker/admission
 * Which new TCP connections the embedded broker takes: at most `perMinute` attempts per client
 * address in any minute (sliding), beyond which the connection is closed at once, before a
 * byte is read. Why: a node stuck in a reconnect loop, or a password-guessing script on the
 * site network, must not keep the Pi's single thread busy with TLS handshakes and logins.
 * Memory is bounded: addresses unseen for a minute are forgotten, and at most 10,000 are kept.
 */
const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

export function connectionAdmission(perMinute: number, now: () => number = Date.now) {
  const seen = new Map<string, number[]>();
  return {
    /** Records an attempt from `address`; false if it is over the limit. */
    admit(address: string): boolean {
      const t = now();
      const recent = (seen.get(address) ?? []).filter((at) => t - at < WINDOW_MS);
      seen.delete(address);
      if (recent.length >= perMinute) {
        seen.set(address, recent);
        return false;
      }
      recent.push(t);
      seen.set(address, recent);
      if (seen.size > MAX_ADDRESSES) seen.delete(seen.keys().next().value as string);
      return true;
    },
  };
}
