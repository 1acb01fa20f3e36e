/**
 * @module broker/packet-limit
 * Follows the MQTT framing of the bytes a node sends (fixed header, then "remaining length" as a
 * variable-length integer) to refuse a packet larger than the limit from its header, before any
 * of its body is buffered. Why: aedes' parser (mqtt-packet) accepts packets up to 256 MB and
 * keeps them whole in memory; one node (or anyone who reaches the port) could exhaust a Pi's RAM.
 * A remaining length encoded in more than 4 bytes is malformed (MQTT 3.1.1 §2.2.3) and refused too.
 */
export type PacketLimit = { feed(chunk: Buffer): string | null };

/** `feed` returns null while the stream is acceptable, else why the connection must close. */
export function packetLimit(maxBytes: number): PacketLimit {
  /** Body bytes still to skip of the current packet; -1 while reading a header. */
  let body = -1;
  let headerBytes = 0;
  let length = 0;
  let multiplier = 1;
  return {
    feed(chunk) {
      let i = 0;
      while (i < chunk.length) {
        if (body > 0) {
          const take = Math.min(body, chunk.length - i);
          body -= take;
          i += take;
          continue;
        }
        const byte = chunk[i++];
        if (headerBytes === 0) {
          headerBytes = 1; // packet type and flags
          length = 0;
          multiplier = 1;
          continue;
        }
        headerBytes++;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if (byte & 0x80) {
          if (headerBytes > 4) return 'malformed MQTT packet (remaining length longer than 4 bytes)';
          continue;
        }
        if (length + headerBytes > maxBytes)
          return `MQTT packet of ${length + headerBytes} bytes, over the limit of ${maxBytes}`;
        body = length;
        headerBytes = 0;
      }
      return null;
    },
  };
}
