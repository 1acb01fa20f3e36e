/** `vigia-config validate <file>`: the agent's own config check, without starting anything. */
import { loadEdgeConfig } from '../edge-config.ts';

export async function validate(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) {
    console.error('usage: vigia-config validate <edge.yaml>');
    return 2;
  }
  const loaded = await loadEdgeConfig(file);
  if (!loaded.ok) {
    console.error(loaded.message);
    return 1;
  }
  const cfg = loaded.config;
  console.log(`${file}: valid — device ${cfg.device.id} (site ${cfg.device.site}), ${cfg.sensors.length} sensor(s)`);
  return 0;
}
