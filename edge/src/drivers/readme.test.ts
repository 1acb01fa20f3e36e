import { readdirSync, readFileSync } from 'node:fs';
import { DRIVER_NAMES, SensorConfig } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DRIVERS } from './index.ts';

/** The first ```yaml block after "## Sample" in a README. */
function sampleBlock(markdown: string): string {
  const m = /## Sample[\s\S]*?```yaml\n([\s\S]*?)```/.exec(markdown);
  if (!m) throw new Error('README has no "## Sample" section with a ```yaml block');
  return m[1];
}

describe('driver READMEs (docs/design.md C3 sample-config test)', () => {
  it('every registered driver has a folder with schema.ts and a README', () => {
    const folders = readdirSync(new URL('.', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.map((d) => d.name).sort()).toEqual(Object.keys(DRIVERS).sort());
    for (const name of Object.keys(DRIVERS)) {
      const files = readdirSync(new URL(`./${name}/`, import.meta.url));
      expect(files, name).toEqual(expect.arrayContaining(['schema.ts', 'README.md', 'decode.ts', `${name}.ts`]));
    }
  });

  it.each(DRIVER_NAMES)('%s: the README sample parses against the driver schema', (name) => {
    const sample = parse(sampleBlock(readFileSync(new URL(`./${name}/README.md`, import.meta.url), 'utf8')));
    expect(Array.isArray(sample)).toBe(true);
    for (const sensor of sample) {
      const parsed = SensorConfig.parse(sensor);
      expect(parsed.source.driver).toBe(name);
      expect(DRIVERS[name].schema.safeParse(sensor.source).success).toBe(true);
    }
  });
});
