/**
 * @module esphome
 * ESPHome YAML for the sensor nodes (ESP32) of an edge config: one file per node, publishing
 * each MQTT sensor on exactly the topic the agent subscribes to, in the payload its `json_path`
 * expects (a plain number, or a JSON document with the number at that path). Pure: config in,
 * file texts out.
 *
 * A node is the group of sensors whose topics share the segment before the last one
 * (`vigia/tunnel-1/ch4` → node `tunnel-1`); a topic with no such segment groups by the first
 * part of the sensor id (`tunnel.ch4` → `tunnel`).
 *
 * What the files do NOT set: the sensor platform (which ESPHome component reads the physical
 * sensor: adc, ads1115, a UART or I²C driver…) and its pins; Wi-Fi and MQTT credentials are
 * `!secret` references the technician fills in `secrets.yaml`.
 */
import { brokerPort, type EdgeConfig, type MqttSource, type SensorConfig } from '@vigia/shared';

export type EsphomeNode = { name: string; sensors: { sensor: SensorConfig; source: MqttSource }[] };
export type EsphomeFile = { node: string; fileName: string; text: string; secrets: string[] };
export type EsphomeOptions = { node?: string; brokerHost?: string; configFile?: string };
export type EsphomeResult = { ok: true; files: EsphomeFile[] } | { ok: false; message: string };

/** An ESPHome node name: lowercase letters, digits and hyphens, at most 31 characters. */
export function nodeName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 31)
    .replace(/-+$/, '');
  return name || 'vigia-node';
}

/** A C++ identifier for an ESPHome `id:` (`tunnel.ch4` → `tunnel_ch4`). */
const esphomeId = (sensorId: string): string => {
  const id = sensorId.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `s_${id}` : id;
};

/** The node a sensor belongs to (see the module comment). */
function nodeOf(sensor: SensorConfig, source: MqttSource): string {
  const parts = source.topic.split('/').filter(Boolean);
  if (parts.length >= 2) return nodeName(parts[parts.length - 2]);
  return nodeName(sensor.id.split('.')[0]);
}

/** The MQTT sensors of a config, grouped by node (in config order). */
function nodesOf(config: EdgeConfig): EsphomeNode[] {
  const nodes = new Map<string, EsphomeNode>();
  for (const sensor of config.sensors) {
    if (sensor.source.driver !== 'mqtt') continue;
    const name = nodeOf(sensor, sensor.source);
    const node = nodes.get(name) ?? { name, sensors: [] };
    node.sensors.push({ sensor, source: sensor.source });
    nodes.set(name, node);
  }
  return [...nodes.values()];
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '', '127.0.0.1', 'localhost', '::1']);
const q = (s: string) => JSON.stringify(s);

/** Broker address as a node must dial it: `host` is null when the config only says "all interfaces". */
function brokerOf(config: EdgeConfig): { host: string | null; port: number; tls: boolean } {
  if (config.broker.url) {
    const url = new URL(config.broker.url);
    const tls = url.protocol === 'mqtts:';
    return { host: url.hostname, port: url.port ? Number(url.port) : tls ? 8883 : 1883, tls };
  }
  const host = WILDCARD_HOSTS.has(config.broker.host) ? null : config.broker.host;
  return { host, port: brokerPort(config.broker), tls: config.broker.tls !== undefined };
}

/** Lines of the `on_value` action that publishes `x` the way the agent decodes it. */
function publishLines(source: MqttSource, pad: string): string[] {
  if (source.json_path === undefined)
    return [
      `${pad}- mqtt.publish:`,
      `${pad}    topic: ${q(source.topic)}`,
      `${pad}    payload: !lambda 'return str_sprintf("%.6g", x);'   # a plain number, e.g. 0.42`,
      `${pad}    qos: 1   # the agent acknowledges once the reading is stored`,
      `${pad}    retain: false`,
    ];
  const keys = source.json_path
    .split('.')
    .map((k) => `[${q(k)}]`)
    .join('');
  const example = source.json_path.split('.').reduceRight<unknown>((inner, k) => ({ [k]: inner }), 0.42);
  return [
    `${pad}- mqtt.publish_json:`,
    `${pad}    topic: ${q(source.topic)}`,
    `${pad}    payload: |-`,
    `${pad}      root${keys} = x;`,
    `${pad}    qos: 1   # the agent acknowledges once the reading is stored`,
    `${pad}    retain: false   # ${JSON.stringify(example)}`,
  ];
}

function sensorLines({ sensor, source }: EsphomeNode['sensors'][number]): string[] {
  const label = sensor.name ? `${sensor.id} (${sensor.name})` : sensor.id;
  return [
    `  # ${label}: ${sensor.quantity} in ${sensor.unit}; the agent reads ${source.topic}${source.json_path ? ` at json_path ${source.json_path}` : ' as a plain number'}`,
    '  # ESPHome needs the component that reads the physical sensor: replace ELEGIR_COMPONENTE',
    '  # (e.g. adc, ads1115, dallas_temp, a uart/i2c sensor) and add its pins and options.',
    '  # Send the value already in the unit above, or calibrate it on the agent (vigia-config calibrate).',
    '  - platform: ELEGIR_COMPONENTE   # <- NOT SET by vigia-config: the sensor component',
    `    id: ${esphomeId(sensor.id)}`,
    `    name: ${q(sensor.id)}`,
    '    internal: true   # published only on the agent topic below, not on the default ESPHome topics',
    '    on_value:',
    '      then:',
    '        - if:',
    '            condition:',
    "              lambda: 'return !std::isnan(x);'   # no reading: send nothing",
    '            then:',
    ...publishLines(source, '              '),
  ];
}

/** One ESPHome file per node (or only `options.node`). The config must already be valid. */
export function esphomeFiles(config: EdgeConfig, options: EsphomeOptions = {}): EsphomeResult {
  let nodes = nodesOf(config);
  if (nodes.length === 0)
    return {
      ok: false,
      message:
        'this config has no MQTT sensors (source.driver: mqtt); ESPHome nodes publish over MQTT, so there is nothing to generate',
    };
  if (options.node !== undefined) {
    const wanted = nodeName(options.node);
    nodes = nodes.filter((n) => n.name === wanted);
    if (nodes.length === 0)
      return {
        ok: false,
        message: `no node "${options.node}" in this config; its nodes are: ${nodesOf(config)
          .map((n) => n.name)
          .join(', ')}`,
      };
  }
  const broker = brokerOf(config);
  const host = options.brokerHost ?? broker.host;
  const files = nodes.map((node): EsphomeFile => {
    const secrets = ['wifi_ssid', 'wifi_password', 'mqtt_username', 'mqtt_password'];
    if (host === null) secrets.unshift('vigia_broker');
    if (broker.tls) secrets.push('mqtt_ca');
    // The users allowed to publish every topic of this node (broker.users[].topics).
    const users = config.broker.url
      ? []
      : config.broker.users
          .filter((u) => node.sensors.every(({ source }) => u.topics.includes(source.topic)))
          .map((u) => u.username);
    const lines = [
      `# ESPHome node "${node.name}" for Vigía device ${config.device.id} (site ${config.device.site})`,
      `# generated by vigia-config esphome${options.configFile ? ` from ${options.configFile}` : ''}; flash with: esphome run ${node.name}.yaml`,
      '# NOT set here: the sensor platform (the ESPHome component that reads each physical sensor)',
      '# and its pins — see ELEGIR_COMPONENTE below; the board, if not an esp32dev;',
      '# and the secrets (' + secrets.join(', ') + ') in secrets.yaml next to this file.',
      'esphome:',
      `  name: ${node.name}`,
      '',
      'esp32:',
      '  board: esp32dev   # change to your board',
      ...(broker.tls
        ? ['  framework:', '    type: esp-idf   # MQTT over TLS (certificate_authority) needs the ESP-IDF framework']
        : []),
      '',
      'wifi:',
      '  ssid: !secret wifi_ssid',
      '  password: !secret wifi_password',
      '',
      'logger:',
      '',
      'mqtt:',
      host === null
        ? "  broker: !secret vigia_broker   # the Pi's address on the nodes' network (edge.yaml broker listens on all interfaces)"
        : `  broker: ${q(host)}`,
      `  port: ${broker.port}`,
      `  username: !secret mqtt_username${users.length ? `   # the broker user of edge.yaml allowed this node's topics: ${users.join(', ')}` : config.broker.allow_anonymous ? '   # the broker also allows anonymous clients' : ''}`,
      '  password: !secret mqtt_password',
      '  discovery: false',
      '  # The broker lets this node publish only its sensor topics (broker.users[].topics in edge.yaml):',
      "  # no status, log or shutdown messages on ESPHome's default <name>/status and <name>/debug topics.",
      '  birth_message:',
      '  will_message:',
      '  shutdown_message:',
      '  log_topic:',
      ...(broker.tls
        ? [
            '  # MQTT over TLS: mqtt_ca in secrets.yaml is the PEM of the broker certificate (broker.tls.cert_file,',
            '  # or the CA that signed it); the node checks the broker name against it',
            '  certificate_authority: !secret mqtt_ca',
          ]
        : []),
      '',
      'sensor:',
      ...node.sensors.flatMap((s) => sensorLines(s)),
      '',
    ];
    return { node: node.name, fileName: `${node.name}.yaml`, text: lines.join('\n'), secrets };
  });
  return { ok: true, files };
}
