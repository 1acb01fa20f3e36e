// Line-protocol text for InfluxDB 1.x: escaping, percent-encoding of what 1.x cannot carry,
// and reading a sensor id back from a SHOW SERIES key. (influxd's own parse of this text is
// proven by influxdb-store.service.test.ts.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSensorTag,
  encodeLabelTag,
  encodeSensorTag,
  fieldString,
  influxqlString,
  sensorOfKey,
  seriesKey,
} from './line-protocol.ts';

describe('line protocol', () => {
  it('keeps wire ids and units verbatim, and orders tags by key', () => {
    expect(seriesKey('plant.ph', { site: 'mobile-plant', device: 'plant-01', quantity: 'methane', unit: '%vol' })).toBe(
      'reading,device=plant-01,quantity=methane,sensor=plant.ph,site=mobile-plant,unit=%vol',
    );
    expect(seriesKey('plant.ph')).toBe('reading,sensor=plant.ph');
    expect(seriesKey('a', { site: 's', device: '', unit: undefined })).toBe('reading,sensor=a,site=s');
  });

  it('escapes separators and percent-encodes backslash, LF and CR', () => {
    expect(seriesKey('a b,c=d\\e\nf\r%', { site: 'x y', device: 'd\\', unit: '50%\n' })).toBe(
      'reading,device=d%5C,sensor=a\\ b\\,c\\=d%5Ce%0Af%0D%25,site=x\\ y,unit=50%%0A',
    );
    expect(encodeLabelTag('%vol')).toBe('%vol');
  });

  it('no key it makes holds a raw backslash before anything but an escaped separator, nor a line break', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (id, unit) => {
        const key = seriesKey(id, { site: 's', device: 'd', unit });
        expect(key).not.toMatch(/[\n\r]/);
        expect(key.replace(/\\[,= ]/g, '')).not.toContain('\\');
      }),
    );
  });

  it('reads every sensor id back from its series key (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (id, label) => {
        expect(decodeSensorTag(encodeSensorTag(id))).toBe(id);
        expect(sensorOfKey(seriesKey(id, { site: label, device: 'd=,', quantity: label, unit: label }))).toBe(id);
      }),
    );
  });

  it('finds no sensor in another measurement or a key without the tag', () => {
    expect(sensorOfKey('cpu,host=a')).toBeUndefined();
    expect(sensorOfKey('reading,site=a')).toBeUndefined();
    expect(sensorOfKey('reading,sensor=a\\,b')).toBe('a,b');
  });

  it('quotes string fields and InfluxQL literals', () => {
    expect(fieldString('say "hi" \\ ok')).toBe('"say \\"hi\\" \\\\ ok"');
    expect(influxqlString("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
  });
});
