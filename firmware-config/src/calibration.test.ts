import { calibrate } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { buildCalibration, calibrationYaml, lineOf, tidy } from './calibration.ts';

describe('calibration block (shared schema and arithmetic)', () => {
  it('two-point 4–20 mA to 0–100: the line, the block, and values in between', () => {
    const r = buildCalibration({ kind: 'two-point', raw1: 4, value1: 0, raw2: 20, value2: 100 });
    if (!r.ok) throw new Error(r.message);
    expect(lineOf(r.calibration)).toEqual({ scale: 6.25, offset: -25 });
    expect(calibrate(12, r.calibration)).toBe(50);
    expect(calibrationYaml(r.calibration)).toBe(
      ['    calibrate:', '      points:', '        - { raw: 4, value: 0 }', '        - { raw: 20, value: 100 }'].join(
        '\n',
      ),
    );
  });

  it('pH with two buffer solutions: raw 6.92 reads 7.00, raw 4.10 reads 4.01', () => {
    const r = buildCalibration({ kind: 'two-point', raw1: 6.92, value1: 7, raw2: 4.1, value2: 4.01 });
    if (!r.ok) throw new Error(r.message);
    expect(tidy(calibrate(6.92, r.calibration))).toBe(7);
    expect(tidy(calibrate(4.1, r.calibration))).toBe(4.01);
    const { scale, offset } = lineOf(r.calibration);
    expect(tidy(5 * scale + offset)).toBe(tidy(calibrate(5, r.calibration)));
  });

  it('the same raw twice is refused by the schema', () => {
    const r = buildCalibration({ kind: 'two-point', raw1: 5, value1: 0, raw2: 5, value2: 1 });
    expect(r).toEqual({ ok: false, message: 'the two points need different raw values' });
  });

  it('scale/offset: block as the config writes it', () => {
    const r = buildCalibration({ kind: 'scale', scale: 0.1, offset: -2 });
    if (!r.ok) throw new Error(r.message);
    expect(calibrationYaml(r.calibration, '')).toBe('calibrate:\n  scale: 0.1\n  offset: -2');
    expect(calibrate(120, r.calibration)).toBe(10);
  });
});
