import { EdgeConfig, Permit, type Rule } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_PERMITS, DEMO_SAFETY_RULES } from './demo-permits.ts';
import { simulate } from './model.ts';
import { demoSensors } from './sensors.ts';

describe('the demo permits', () => {
  it('are valid permits naming only sensors the simulator emits, each rule saying its values are examples', () => {
    const ids = new Set(demoSensors({ serialLinePort: '/dev/x', modbusPort: '/dev/y' }).map((s) => s.id));
    for (const p of DEMO_PERMITS) {
      const permit = Permit.parse(p);
      for (const r of permit.rules) {
        expect(ids.has(r.sensor), r.sensor).toBe(true);
        expect(r.source).toMatch(/ejemplo/);
      }
    }
  });

  it('the local CH4 alarm is a valid safety rule for the demo edge config', () => {
    const cfg = EdgeConfig.parse({
      device: { id: 'plant-01', site: 'mobile-plant' },
      server: { url: 'http://localhost:8080', token_file: './device.token' },
      sensors: demoSensors(),
      safety: { rules: DEMO_SAFETY_RULES },
    });
    expect(cfg.safety.rules.map((r) => r.sensor)).toEqual(['tunnel.ch4']);
  });

  it('the scripted episode crosses every demo limit within two minutes, pH for longer than its pending', () => {
    const opts = { seed: 1, startMs: Date.UTC(2026, 10, 29, 14), localStartHour: 9 };
    const rules: Rule[] = DEMO_PERMITS.flatMap((p): Rule[] => p.rules);
    for (const rule of rules) {
      let longest = 0;
      let run = 0;
      for (let s = 0; s <= 120; s++) {
        const v = simulate(opts, opts.startMs + s * 1000)[rule.sensor as keyof ReturnType<typeof simulate>];
        const out =
          (rule.max !== undefined && v > rule.max) || ('min' in rule && rule.min !== undefined && v < rule.min);
        run = out ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
      // pH has a 10 s pending period; the gas alarms none.
      expect(longest, `${rule.id}: seconds out of bounds in a row`).toBeGreaterThan(rule.id === 'ph' ? 10 : 0);
    }
  });
});
