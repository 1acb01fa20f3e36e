import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJsonPath, EdgeConfig, parseDecimal } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { esphomeFiles, nodeName } from './esphome.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigia-config.mjs');
const SAMPLE = `
device: { id: plant-01, site: mobile-plant }
server: { url: "http://localhost:8080", token_file: ./device.token }
broker: { port: 1884, users: [{ username: nodos, password_file: ./broker.pw, topics: [vigia/tunnel-1/ch4, vigia/tunnel-1/co, vigia/tunnel-2/o2] }, { username: t2, password_file: ./t2.pw, topics: [vigia/tunnel-2/o2] }] }
sensors:
  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-1/ch4, json_path: value } }
  - { id: tunnel.co, quantity: carbon_monoxide, unit: ppm, source: { driver: mqtt, topic: vigia/tunnel-1/co } }
  - { id: tunnel2.o2, quantity: oxygen, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-2/o2, json_path: data.o2 } }
  - id: plant.ph
    quantity: ph
    unit: pH
    source: { driver: serial-line, port: /dev/ttyUSB1, pattern: "PH=(?<value>-?[0-9.]+)" }
`;

/** ESPHome's own tags, so the files parse as ESPHome reads them. */
const esphomeYaml = (text: string) =>
  parse(text, {
    customTags: [
      { tag: '!secret', resolve: (s: string) => ({ secret: s }) },
      { tag: '!lambda', resolve: (s: string) => ({ lambda: s }) },
    ],
  });

type Publish = { topic: string; payload: string | { lambda: string }; retain: boolean; qos?: number };
/** topic → the publish action of each sensor in a generated file. */
function publishes(doc: ReturnType<typeof esphomeYaml>): Map<string, { kind: string; action: Publish }> {
  const out = new Map<string, { kind: string; action: Publish }>();
  for (const s of doc.sensor) {
    const action = s.on_value.then[0].if.then[0];
    const [kind, body] = Object.entries(action)[0] as [string, Publish];
    out.set(body.topic, { kind, action: body });
  }
  return out;
}

describe('esphome export', () => {
  const config = EdgeConfig.parse(parse(SAMPLE));

  it('one node per topic group, each sensor on the exact topic the agent subscribes to', () => {
    const r = esphomeFiles(config, { brokerHost: '192.168.4.1' });
    if (!r.ok) throw new Error(r.message);
    expect(r.files.map((f) => f.fileName)).toEqual(['tunnel-1.yaml', 'tunnel-2.yaml']);
    const t1 = esphomeYaml(r.files[0].text);
    expect(t1.esphome.name).toBe('tunnel-1');
    expect(t1.mqtt).toMatchObject({
      broker: '192.168.4.1',
      port: 1884,
      username: { secret: 'mqtt_username' },
      password: { secret: 'mqtt_password' },
      discovery: false,
      // ESPHome's default birth/will/log topics would be refused by the broker's permissions.
      birth_message: null,
      will_message: null,
      shutdown_message: null,
      log_topic: null,
    });
    const p = publishes(t1);
    expect([...p.keys()]).toEqual(['vigia/tunnel-1/ch4', 'vigia/tunnel-1/co']);
    // json_path value → {"value": x}; no json_path → a plain number
    expect(p.get('vigia/tunnel-1/ch4')?.kind).toBe('mqtt.publish_json');
    expect(p.get('vigia/tunnel-1/ch4')?.action.payload).toBe('root["value"] = x;');
    expect(p.get('vigia/tunnel-1/co')?.kind).toBe('mqtt.publish');
    expect(p.get('vigia/tunnel-1/co')?.action.payload).toEqual({ lambda: 'return str_sprintf("%.6g", x);' });
    for (const { action } of p.values()) expect(action).toMatchObject({ retain: false, qos: 1 });
    // the sensor platform is left for the technician, and the file says so
    for (const s of t1.sensor) expect(s.platform).toBe('ELEGIR_COMPONENTE');
    expect(r.files[0].text).toContain('NOT set here: the sensor platform');
    expect(r.files[0].text).toContain("# the broker user of edge.yaml allowed this node's topics: nodos\n");
    expect(r.files[1].text).toContain("# the broker user of edge.yaml allowed this node's topics: nodos, t2\n");
  });

  it('every MQTT sensor of the config, and only those, is published', () => {
    const r = esphomeFiles(config, { brokerHost: 'pi.local' });
    if (!r.ok) throw new Error(r.message);
    const topics = r.files.flatMap((f) => [...publishes(esphomeYaml(f.text)).keys()]);
    const expected = config.sensors.flatMap((s) => (s.source.driver === 'mqtt' ? [s.source.topic] : []));
    expect(topics.sort()).toEqual(expected.sort());
  });

  it('the payloads it builds are what the agent decodes (nested json_path too)', () => {
    const r = esphomeFiles(config, { node: 'tunnel-2', brokerHost: 'pi.local' });
    if (!r.ok) throw new Error(r.message);
    const o2 = publishes(esphomeYaml(r.files[0].text)).get('vigia/tunnel-2/o2');
    expect(o2?.action.payload).toBe('root["data"]["o2"] = x;');
    // what that lambda sends for x = 20.9, and what "%.6g" prints, read back by the agent's decoders
    expect(decodeJsonPath(JSON.stringify({ data: { o2: 20.9 } }), 'data.o2')).toEqual({ ok: true, value: 20.9 });
    expect(parseDecimal('1.23457e+06')).toEqual({ ok: true, value: 1234570 });
  });

  it('embedded broker with tls: port 8883, certificate_authority from a secret, the ESP-IDF framework', () => {
    const tls = EdgeConfig.parse(
      parse(SAMPLE.replace('broker: { port: 1884,', 'broker: { tls: { cert_file: ./b.pem, key_file: ./b.key },')),
    );
    const r = esphomeFiles(tls, { brokerHost: 'pi.local' });
    if (!r.ok) throw new Error(r.message);
    const doc = esphomeYaml(r.files[0].text);
    expect(doc.mqtt).toMatchObject({ broker: 'pi.local', port: 8883, certificate_authority: { secret: 'mqtt_ca' } });
    expect(doc.esp32.framework).toEqual({ type: 'esp-idf' });
    expect(r.files[0].secrets).toContain('mqtt_ca');
    const plain = esphomeYaml(
      (esphomeFiles(config, { brokerHost: 'pi.local' }) as { files: { text: string }[] }).files[0].text,
    );
    expect(plain.mqtt.certificate_authority).toBeUndefined();
  });

  it('broker listening on all interfaces: the Pi address becomes a secret, named in the file', () => {
    const r = esphomeFiles(config);
    if (!r.ok) throw new Error(r.message);
    expect(esphomeYaml(r.files[0].text).mqtt.broker).toEqual({ secret: 'vigia_broker' });
    expect(r.files[0].secrets).toContain('vigia_broker');
  });

  it('an unknown node names the nodes there are; a config without MQTT sensors says why nothing is written', () => {
    expect(esphomeFiles(config, { node: 'tunnel-9' })).toEqual({
      ok: false,
      message: 'no node "tunnel-9" in this config; its nodes are: tunnel-1, tunnel-2',
    });
    const noMqtt = EdgeConfig.parse({ ...parse(SAMPLE), sensors: [parse(SAMPLE).sensors[3]] });
    const r = esphomeFiles(noMqtt);
    expect(r.ok).toBe(false);
  });

  it('node names are valid ESPHome names', () => {
    expect(nodeName('Tunnel_1 Norte')).toBe('tunnel-1-norte');
    expect(nodeName('___')).toBe('vigia-node');
    expect(nodeName('x'.repeat(40))).toHaveLength(31);
  });

  it('real process: validates first, then writes <node>.yaml files that parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-esphome-'));
    const file = join(dir, 'edge.yaml');
    writeFileSync(file, SAMPLE);
    const out = join(dir, 'nodes');
    const r = spawnSync(process.execPath, [BIN, 'esphome', file, '--out', out, '--broker', '10.0.0.5'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['tunnel-1.yaml', 'tunnel-2.yaml']);
    expect(esphomeYaml(readFileSync(join(out, 'tunnel-2.yaml'), 'utf8')).mqtt.broker).toBe('10.0.0.5');
    expect(r.stdout).toContain('replace ELEGIR_COMPONENTE');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, SAMPLE.replace('unit: ppm', 'unit: "%vol"'));
    const b = spawnSync(process.execPath, [BIN, 'esphome', bad, '--out', join(dir, 'none')], { encoding: 'utf8' });
    expect(b.status).toBe(1);
    expect(b.stderr).toContain(`${bad}: sensors[1].unit`);
    expect(b.stderr).toContain('nothing was written');
  });
});
