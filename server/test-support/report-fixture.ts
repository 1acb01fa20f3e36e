/**
 * @module test-support/report-fixture
 * A small hand-built report for the renderer tests: one permit whose version changed mid-period,
 * one acknowledged breach, hostile user text in names and notes. Test support only.
 */
import type { ReportData } from '../src/reports/model.ts';

/** 2025-11-03T00:00 in Bogotá (UTC−5). */
export const DAY0 = Date.UTC(2025, 10, 3, 5);
const H = 3_600_000;

export function reportFixture(): ReportData {
  const rule = {
    id: 'ph',
    sensor: 'plant.ph',
    sensorName: '=HYPERLINK("http://evil.example","pH")',
    unit: 'pH',
    kind: 'range' as const,
    min: 6,
    max: 9,
    averaging: 'instant',
    severity: 'breach',
    source: 'Res. 0631/2015, Art. 10 <b>CAR</b>',
    holdMs: 15 * 60_000,
  };
  return {
    from: DAY0,
    to: DAY0 + 48 * H,
    dataTo: DAY0 + 48 * H,
    timeZone: 'America/Bogota',
    generatedAt: DAY0 + 50 * H,
    generatedBy: 'maria',
    permits: [
      {
        id: 'vertimiento-2025',
        title: 'Permiso de vertimientos <script>alert(1)</script>',
        site: 'mobile-plant',
        versions: [
          { version: 1, from: DAY0, to: DAY0 + 30 * H, updatedAt: DAY0 - 24 * H, updatedBy: 'maria', rules: [rule] },
          {
            version: 2,
            from: DAY0 + 30 * H,
            to: DAY0 + 48 * H,
            updatedAt: DAY0 + 30 * H,
            updatedBy: 'admin',
            rules: [{ ...rule, min: 6.5 }],
          },
        ],
        days: [
          {
            version: 1,
            rule: 'ph',
            sensor: 'plant.ph',
            day: '2025-11-03',
            start: DAY0,
            end: DAY0 + 24 * H,
            coveredMs: 1095 * 60_000,
            availability: 1095 / 1440,
          },
          {
            version: 1,
            rule: 'ph',
            sensor: 'plant.ph',
            day: '2025-11-04',
            start: DAY0 + 24 * H,
            end: DAY0 + 30 * H,
            coveredMs: 6 * H,
            availability: 1,
          },
          {
            version: 2,
            rule: 'ph',
            sensor: 'plant.ph',
            day: '2025-11-04',
            start: DAY0 + 30 * H,
            end: DAY0 + 48 * H,
            coveredMs: 9 * H,
            availability: 0.5,
          },
        ],
        breaches: [
          {
            id: 7,
            version: 1,
            rule: 'ph',
            sensor: 'plant.ph',
            severity: 'breach',
            start: DAY0 + 9.25 * H,
            end: DAY0 + 10 * H,
            durationMs: 0.75 * H,
            peak: 9.9,
            peakTs: DAY0 + 9.5 * H,
            limit: 9,
            unit: 'pH',
            exceedance: 1200,
            outOfBoundsMs: 0.75 * H,
            availability: 1,
            ack: {
              by: 'maria',
              at: DAY0 + 11 * H,
              note: '-Cal ajustada, "dosis" +10%\nrevisado @planta <img src=x onerror=alert(2)>',
            },
            withdrawn: null,
          },
        ],
        // A breach late data withdrew: listed apart, never counted.
        withdrawn: [
          {
            id: 9,
            version: 1,
            rule: 'ph',
            sensor: 'plant.ph',
            severity: 'breach',
            start: DAY0 + 20 * H,
            end: DAY0 + 20.5 * H,
            durationMs: 0.5 * H,
            peak: 9.4,
            peakTs: DAY0 + 20.2 * H,
            limit: 9,
            unit: 'pH',
            exceedance: 300,
            outOfBoundsMs: 0.5 * H,
            availability: 0.8,
            ack: null,
            withdrawn: {
              at: DAY0 + 30 * H,
              reason: 'late_data',
              detail: { sensor: 'plant.ph', from: DAY0 + 20.1 * H, to: DAY0 + 20.3 * H, readings: 12 },
              mergedInto: null,
            },
          },
        ],
      },
    ],
  };
}
