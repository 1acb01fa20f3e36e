/**
 * @module calibration
 * The `calibrate:` block a technician pastes into a sensor of edge.yaml, built and checked with
 * the agent's own schema and arithmetic (shared `Calibration`, `calibrate`). Pure.
 */
import { Calibration, calibrate, formatIssues } from '@vigia/shared';

export type CalibrationInput =
  | { kind: 'two-point'; raw1: number; value1: number; raw2: number; value2: number }
  | { kind: 'scale'; scale: number; offset: number };

export type Built = { ok: true; calibration: Calibration } | { ok: false; message: string };

/** Checks the numbers with the config schema: what the agent would accept. */
export function buildCalibration(input: CalibrationInput): Built {
  const data =
    input.kind === 'two-point'
      ? {
          points: [
            { raw: input.raw1, value: input.value1 },
            { raw: input.raw2, value: input.value2 },
          ],
        }
      : { scale: input.scale, offset: input.offset };
  // the branch of the union the input is meant for, so its own message (not "Invalid input") comes back
  const r = Calibration.options[input.kind === 'two-point' ? 1 : 0].safeParse(data);
  if (!r.success)
    return {
      ok: false,
      message: formatIssues(r.error)
        .map((i) => i.message)
        .join('; '),
    };
  return { ok: true, calibration: r.data };
}

/** The same line as scale and offset: value = raw × scale + offset. */
export function lineOf(cal: Calibration): { scale: number; offset: number } {
  if ('points' in cal) {
    const offset = calibrate(0, cal);
    return { scale: calibrate(1, cal) - offset, offset };
  }
  return { scale: cal.scale, offset: cal.offset };
}

/** Rounds away floating-point noise (12 significant digits) for printing. */
export const tidy = (x: number): number => Number(x.toPrecision(12));

/** The YAML to paste under a sensor of edge.yaml (indented as a key of a `sensors:` list entry). */
export function calibrationYaml(cal: Calibration, indent = '    '): string {
  if ('points' in cal)
    return [
      `${indent}calibrate:`,
      `${indent}  points:`,
      ...cal.points.map((p) => `${indent}    - { raw: ${p.raw}, value: ${p.value} }`),
    ].join('\n');
  return [`${indent}calibrate:`, `${indent}  scale: ${cal.scale}`, `${indent}  offset: ${cal.offset}`].join('\n');
}
