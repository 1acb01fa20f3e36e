import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, decodePayloadFor } from './decode.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('mqtt payload decoder', () => {
  it('reads a plain number, or a number at json_path', () => {
    expect(decodePayload(bytes('0.42'), undefined)).toEqual({ ok: true, value: 0.42 });
    expect(decodePayload(bytes('{"value":0.42,"unit":"%vol"}'), 'value')).toEqual({ ok: true, value: 0.42 });
  });

  it('names what is wrong with a bad payload', () => {
    expect(decodePayload(bytes('offline'), undefined)).toEqual({ ok: false, code: 'not_a_number' });
    expect(decodePayload(bytes('{"value":0.4'), 'value')).toEqual({ ok: false, code: 'invalid_json' });
    expect(decodePayload(new Uint8Array(70_000), undefined)).toEqual({ ok: false, code: 'too_large' });
  });

  it('any bytes: a value or an error code, never throws (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(fc.constantFrom('value', 'a.b.c', '0')), (p, path) => {
        const r = decodePayload(p, path ?? undefined);
        return r.ok ? Number.isFinite(r.value) : typeof r.code === 'string';
      }),
    );
  });
});

describe('one payload for every sensor on its topic', () => {
  it('each sensor gets its own json_path (or the plain number), the JSON parsed once', () => {
    const p = bytes('{"ch4":0.42,"co":{"ppm":"12"},"fan":true}');
    expect(decodePayloadFor(p, ['ch4', 'co.ppm', 'fan', 'o2', undefined])).toEqual([
      { ok: true, value: 0.42 },
      { ok: true, value: 12 },
      { ok: true, value: 1 },
      { ok: false, code: 'missing_path' },
      { ok: false, code: 'not_a_number' },
    ]);
    expect(decodePayloadFor(bytes('{"ch4":'), ['ch4', 'co'])).toEqual([
      { ok: false, code: 'invalid_json' },
      { ok: false, code: 'invalid_json' },
    ]);
  });
  it('agrees with decoding for each sensor alone (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.json(), fc.string()),
        fc.array(fc.option(fc.constantFrom('a', 'a.b', '0', 'v1')), { maxLength: 5 }),
        (text, paths) => {
          const ps = paths.map((x) => x ?? undefined);
          expect(decodePayloadFor(bytes(text), ps)).toEqual(ps.map((p) => decodePayload(bytes(text), p)));
        },
      ),
    );
  });
});
