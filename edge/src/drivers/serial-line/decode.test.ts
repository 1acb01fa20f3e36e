import { SerialLineSource } from '@vigia/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineDecoder } from './decode.ts';

const decoderFor = (source: Record<string, unknown>) =>
  lineDecoder(SerialLineSource.parse({ driver: 'serial-line', port: '/dev/ttyUSB1', ...source }));
const wellFormed = (r: ReturnType<ReturnType<typeof lineDecoder>>) =>
  r.ok ? Number.isFinite(r.value) : /^[a-z_]+$/.test(r.code);

describe('serial-line decoders', () => {
  it('pattern: reads the named group', () => {
    const d = decoderFor({ pattern: 'PH=(?<value>-?[0-9.]+)' });
    expect(d('PH=7.12 T=21.0')).toEqual({ ok: true, value: 7.12 });
    expect(d('T=21.0')).toEqual({ ok: false, code: 'no_match' });
    expect(d('PH=7.1.2')).toEqual({ ok: false, code: 'not_a_number' });
  });

  it('csv_column: reads the column with the separator', () => {
    const d = decoderFor({ csv_column: 2, csv_separator: ';' });
    expect(d('T1;ok;19.75')).toEqual({ ok: true, value: 19.75 });
    expect(d('T1;ok')).toEqual({ ok: false, code: 'missing_column' });
    expect(d('T1;ok;')).toEqual({ ok: false, code: 'empty' });
  });

  it('json_path: reads a JSON line', () => {
    const d = decoderFor({ json_path: 'ph' });
    expect(d('{"ph":6.9}')).toEqual({ ok: true, value: 6.9 });
    expect(d('{"ph":')).toEqual({ ok: false, code: 'invalid_json' });
  });

  it('testdata cases decode as recorded', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('./testdata/', import.meta.url);
    const cases = readdirSync(root);
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) {
      const c = JSON.parse(readFileSync(new URL(`${name}/case.json`, root), 'utf8'));
      const lines = readFileSync(new URL(`${name}/input.txt`, root), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(lines.map(decoderFor(c.source)), name).toEqual(c.expected);
    }
  });

  it('any line, any decoder: a value or an error code, never throws (property)', () => {
    const source = fc.oneof(
      fc.constant({ pattern: 'PH=(?<value>-?[0-9.]+)' }),
      fc.constant({ pattern: '^(?<value>.*)$' }),
      fc.record({ csv_column: fc.nat({ max: 5 }), csv_separator: fc.constantFrom(',', ';', '\t', '|') }),
      fc.record({ json_path: fc.constantFrom('value', 'a.b', 'values.0') }),
    );
    fc.assert(fc.property(source, fc.string({ maxLength: 200 }), (s, line) => wellFormed(decoderFor(s)(line))));
  });
});
