/** `vigia-config validate <file>`: the agent's own config check, without starting anything. */
import { type Loaded, loadEdgeConfig } from '../edge-config.ts';

/** Checks `file` and prints the verdict; `apply` sends the very text checked here. */
export async function validateFile(file: string): Promise<Loaded> {
  const loaded = await loadEdgeConfig(file);
  if (!loaded.ok) {
    console.error(loaded.message);
    return loaded;
  }
  const cfg = loaded.config;
  console.log(`${file}: valid — device ${cfg.device.id} (site ${cfg.device.site}), ${cfg.sensors.length} sensor(s)`);
  return loaded;
}

export async function validate(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) {
    console.error('usage: vigia-config validate <edge.yaml>');
    return 2;
  }
  return (await validateFile(file)).ok ? 0 : 1;
}
