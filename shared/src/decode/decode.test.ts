import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonPath } from './json-path.ts';
import { parseDecimal } from './result.ts';

const isResult = (r: unknown) =>
  typeof r === 'object' &&
  r !== null &&
  ((r as { ok: boolean }).ok
    ? Number.isFinite((r as { value: number }).value)
    : typeof (r as { code: string }).code === 'string');

describe('parseDecimal', () => {
  it.each([
    ['7.1', 7.1],
    [' -0.5 ', -0.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['+3', 3],
  ])('reads %j as %d', (text, value) => expect(parseDecimal(text)).toEqual({ ok: true, value }));

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['0x10', 'not_a_number'],
    ['Infinity', 'not_a_number'],
    ['1e999', 'not_a_number'],
    ['7,1', 'not_a_number'],
  ])('rejects %j with %s', (text, code) => expect(parseDecimal(text)).toEqual({ ok: false, code }));

  it('on any string returns a finite value or an error code, never throws (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => isResult(parseDecimal(s))));
  });

  it('round-trips every finite double written by JavaScript (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseDecimal(String(x))).toEqual({ ok: true, value: x === 0 ? 0 : x });
      }),
    );
  });
});

describe('decodeJsonPath', () => {
  it('follows a dotted path, including array indexes', () => {
    expect(decodeJsonPath('{"data":{"ch4":0.42}}', 'data.ch4')).toEqual({ ok: true, value: 0.42 });
    expect(decodeJsonPath('{"values":[1,2.5]}', 'values.1')).toEqual({ ok: true, value: 2.5 });
    expect(decodeJsonPath('{"value":"7.25"}', 'value')).toEqual({ ok: true, value: 7.25 });
    expect(decodeJsonPath('{"on":true}', 'on')).toEqual({ ok: true, value: 1 });
  });

  it('names what is wrong', () => {
    expect(decodeJsonPath('{"value":', 'value')).toEqual({ ok: false, code: 'invalid_json' });
    expect(decodeJsonPath('{"other":1}', 'value')).toEqual({ ok: false, code: 'missing_path' });
    expect(decodeJsonPath('{"value":{"x":1}}', 'value')).toEqual({ ok: false, code: 'not_a_number' });
    expect(decodeJsonPath('{"value":null}', 'value.x')).toEqual({ ok: false, code: 'missing_path' });
    expect(decodeJsonPath('{"__proto__":{"x":1}}', 'x')).toEqual({ ok: false, code: 'missing_path' });
    expect(decodeJsonPath('', 'value')).toEqual({ ok: false, code: 'empty' });
  });

  it('on any text and path returns a value or an error code, never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.string({ minLength: 1, maxLength: 20 }), (text, path) =>
        isResult(decodeJsonPath(text, path)),
      ),
    );
  });

  it('finds any finite number placed at any path (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 5 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (keys, x) => {
          const doc = keys.reduceRight<unknown>((inner, k) => ({ [k]: inner }), x);
          expect(decodeJsonPath(JSON.stringify(doc), keys.join('.'))).toEqual({ ok: true, value: x === 0 ? 0 : x });
        },
      ),
    );
  });
});
