import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCommand } from '../../test/services/util.ts';

const UNIT = join(import.meta.dirname, 'vigia-edge.service');
const text = readFileSync(UNIT, 'utf8');

/** `[Section]` → key → values (a key may repeat, e.g. DeviceAllow). */
function parseUnit(unit: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

describe('systemd unit edge/systemd/vigia-edge.service', () => {
  const unit = parseUnit(text);
  const service = unit.get('Service') ?? new Map();
  const get = (key: string) => service.get(key)?.at(-1);

  it('restarts always, runs as vigia with dialout, with the config in /etc/vigia', () => {
    expect(get('Restart')).toBe('always');
    expect(Number(get('RestartSec'))).toBeGreaterThan(0);
    expect(get('User')).toBe('vigia');
    expect(get('SupplementaryGroups')).toContain('dialout');
    expect(get('WorkingDirectory')).toBe('/var/lib/vigia');
    expect(get('ExecStart')).toMatch(/vigia-edge --config \/etc\/vigia\/edge\.yaml$/);
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('starts without the network: no dependency on network-online.target', () => {
    const deps = ['After', 'Wants', 'Requires', 'BindsTo'].flatMap((k) => unit.get('Unit')?.get(k) ?? []);
    expect(deps.join(' ')).not.toMatch(/network-online|network\.target/);
  });

  it('is hardened but still reaches serial adapters and writes its config and state', () => {
    expect(get('NoNewPrivileges')).toBe('yes');
    expect(get('ProtectSystem')).toBe('strict');
    expect(get('DevicePolicy')).toBe('closed');
    expect(service.get('DeviceAllow')).toEqual(
      expect.arrayContaining(['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyAMA rw', 'char-ttyS rw']),
    );
    expect(get('ReadWritePaths')?.split(/\s+/)).toEqual(expect.arrayContaining(['/var/lib/vigia', '/etc/vigia']));
    expect(get('PrivateDevices')).toBeUndefined(); // it would hide /dev/ttyUSB*
  });

  it('passes systemd-analyze verify (with an existing ExecStart binary)', () => {
    // npm test installs Debian's systemd when it is missing; never skip (fail and say so).
    requireCommand('systemd-analyze', 'systemd');
    const dir = mkdtempSync(join(tmpdir(), 'vigia-unit-'));
    try {
      const copy = join(dir, 'vigia-edge.service');
      writeFileSync(copy, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      const problems = `${r.stdout}${r.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/Failed to connect to bus|not booted with systemd|Documentation=/.test(l));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
