import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Calibration, calibrate } from './calibrate.ts';

describe('calibration', () => {
  it('is the identity without a calibration', () => {
    expect(calibrate(4.2, undefined)).toBe(4.2);
  });

  it('applies scale and offset (4–20 mA loop to 0–14 pH: raw mA)', () => {
    // 4 mA = pH 0, 20 mA = pH 14: scale 14/16 = 0.875, offset -3.5
    const cal = Calibration.parse({ scale: 0.875, offset: -3.5 });
    expect(calibrate(12, cal)).toBeCloseTo(7, 12);
  });

  it('two-point passes through both points', () => {
    const cal = Calibration.parse({
      points: [
        { raw: 400, value: 4 },
        { raw: 1000, value: 10 },
      ],
    });
    expect(calibrate(400, cal)).toBe(4);
    expect(calibrate(1000, cal)).toBe(10);
    expect(calibrate(700, cal)).toBe(7);
  });

  it('rejects two points with the same raw value', () => {
    expect(
      Calibration.safeParse({
        points: [
          { raw: 1, value: 4 },
          { raw: 1, value: 10 },
        ],
      }).success,
    ).toBe(false);
  });

  it('two-point calibration agrees with the equivalent scale/offset (property)', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(finite, finite, finite, finite, finite, (r1, v1, r2, v2, x) => {
        fc.pre(Math.abs(r1 - r2) > 1e-3);
        const scale = (v2 - v1) / (r2 - r1);
        const offset = v1 - scale * r1;
        const twoPoint = calibrate(x, {
          points: [
            { raw: r1, value: v1 },
            { raw: r2, value: v2 },
          ],
        });
        const linear = calibrate(x, { scale, offset });
        expect(Math.abs(twoPoint - linear)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(linear)) * 1e3);
      }),
    );
  });
});
