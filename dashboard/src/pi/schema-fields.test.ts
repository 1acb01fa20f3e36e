import { DRIVER_NAMES, ModbusRtuSource, SensorConfig, SOURCES } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { fieldOf, formIssues, objectToValues, sensorFields, sourceFields, valuesToObject } from './schema-fields.ts';

describe('the technician form read from the shared zod schemas', () => {
  it('every key of every driver’s source: block gets a field (driver aside)', () => {
    for (const d of DRIVER_NAMES) {
      const keys = Object.keys((SOURCES[d].schema as unknown as { shape: object }).shape).filter((k) => k !== 'driver');
      expect(
        sourceFields(d).map((f) => f.key),
        d,
      ).toEqual(keys);
    }
  });

  it('enum → select with its options, number → bounds of the file, default → placeholder, optional → not required', () => {
    const byKey = Object.fromEntries(sourceFields('modbus-rtu').map((f) => [f.key, f]));
    expect(byKey.type).toMatchObject({ kind: 'select', required: false, placeholder: 'uint16' });
    expect(byKey.type.options).toEqual(ModbusRtuSource.shape.type.unwrap().options);
    expect(byKey.unit_id).toMatchObject({ kind: 'number', min: 1, max: 247, integer: true, required: true });
    expect(byKey.register).toMatchObject({ kind: 'number', min: 0, max: 65535 });
    expect(byKey.port).toMatchObject({ kind: 'text', required: true });
    const tcp = Object.fromEntries(sourceFields('modbus-tcp').map((f) => [f.key, f]));
    expect(tcp.timeout).toMatchObject({ kind: 'text', placeholder: '1000ms' }); // a duration, typed as "1s"
    expect(sensorFields(false).map((f) => f.key)).toEqual(['id', 'name', 'quantity', 'unit']);
    expect(sensorFields(true).at(-1)).toMatchObject({ key: 'interval', kind: 'text', required: false });
    expect(fieldOf('x', SensorConfig.shape.quantity).options).toContain('methane');
  });

  it('values round-trip; empty optional fields are left out so the file default applies', () => {
    const fields = sourceFields('modbus-rtu');
    const src = { port: '/dev/ttyUSB0', unit_id: 3, register: 16, type: 'float32' };
    const values = objectToValues(fields, src);
    expect(values.baud).toBe('');
    expect(valuesToObject(fields, values)).toEqual(src);
  });

  it('issues carry the config file’s path and message (en) and Spanish words', () => {
    const r = SensorConfig.safeParse({
      id: 'plant.x',
      quantity: 'volumetric_flow',
      unit: 'ppm',
      source: { driver: 'modbus-rtu', port: '/dev/ttyUSB0', unit_id: 300, register: 0 },
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    const issues = formIssues(r.error, 'sensors[2]');
    expect(issues).toContainEqual({ path: 'sensors[2].source.unit_id', es: 'máximo 247', en: expect.any(String) });
    const unit = issues.find((i) => i.path === 'sensors[2].unit');
    expect(unit?.en).toContain('this unit does not belong to the quantity');
  });
});
