/**
 * `vigia-config esphome <edge.yaml> [--node name] [--out dir] [--broker host]`: validates the
 * config (the agent's validator), then writes one ESPHome YAML per sensor node (`<node>.yaml`),
 * so an ESP32 flashed with it publishes exactly what the agent expects. See `../esphome.ts`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEdgeConfig } from '../edge-config.ts';
import { esphomeFiles } from '../esphome.ts';

const USAGE = 'usage: vigia-config esphome <edge.yaml> [--node <name>] [--out <dir>] [--broker <pi address>]';

export async function esphome(args: string[]): Promise<number> {
  let parsed: { values: { node?: string; out?: string; broker?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { node: { type: 'string' }, out: { type: 'string', default: '.' }, broker: { type: 'string' } },
    });
  } catch (err) {
    console.error(`vigia-config esphome: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0];
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const loaded = await loadEdgeConfig(file);
  if (!loaded.ok) {
    console.error(`${loaded.message}\nfix the config first ("vigia-config validate ${file}"); nothing was written`);
    return 1;
  }
  const result = esphomeFiles(loaded.config, {
    node: parsed.values.node,
    brokerHost: parsed.values.broker,
    configFile: file,
  });
  if (!result.ok) {
    console.error(`${file}: ${result.message}`);
    return 1;
  }
  const out = parsed.values.out ?? '.';
  await mkdir(out, { recursive: true });
  const secrets = new Set<string>();
  for (const f of result.files) {
    const path = join(out, f.fileName);
    await writeFile(path, f.text);
    for (const s of f.secrets) secrets.add(s);
    console.log(`wrote ${path}`);
  }
  console.log(
    `next: in each file replace ELEGIR_COMPONENTE by the sensor's ESPHome component; put ${[...secrets].join(', ')} in ${join(out, 'secrets.yaml')}; then "esphome run <node>.yaml"`,
  );
  return 0;
}
