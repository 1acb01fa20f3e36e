/**
 * The peer bench's direct baseline (peer.bench.ts): the smallest subscriber that stores what a
 * broker delivers. Subscribes to `bench/#` at QoS 1 on the broker given as argv[2], turns each
 * JSON message (`{ measurement, tags: { sensor }, fields: { value }, timestamp }`) into one line
 * of InfluxDB line protocol, and posts 1,000 lines per request to argv[3] (`/write?db=…&precision=ms`),
 * one request at a time; a part batch goes after 200 ms without messages. No retries: a failed
 * request is a lost batch, which the bench counts. Prints `{"ready":true}` once subscribed;
 * exits on SIGINT or SIGTERM.
 */
import mqtt from 'mqtt';

const [brokerUrl, writeUrl] = process.argv.slice(2);
const BATCH = 1000;
let lines = [];
let sending = Promise.resolve();
let idle;

function flush() {
  if (lines.length === 0) return;
  const body = lines.join('\n');
  lines = [];
  sending = sending.then(() =>
    fetch(writeUrl, { method: 'POST', body }).then(
      (res) => {
        if (!res.ok) console.error(`write answered ${res.status}`);
      },
      (err) => console.error(`write failed: ${err.message}`),
    ),
  );
}

const client = mqtt.connect(brokerUrl, { clientId: 'peer-direct', clean: true, reconnectPeriod: 1000 });
client.on('message', (_topic, payload) => {
  const m = JSON.parse(payload.toString());
  lines.push(`${m.measurement},sensor=${m.tags.sensor} value=${m.fields.value} ${m.timestamp}`);
  if (lines.length >= BATCH) flush();
  clearTimeout(idle);
  idle = setTimeout(flush, 200);
});
client.on('connect', () =>
  client.subscribe('bench/#', { qos: 1 }, (err) => {
    if (err) throw err;
    console.log(JSON.stringify({ ready: true }));
  }),
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
