import { EdgeConfig, isUnitOf, SensorConfig } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { SIM_SENSOR_IDS } from './model.ts';
import { demoSensors, SIM_SENSORS } from './sensors.ts';
import { formatProbeLine } from './transports/serial-line.ts';

const ALL_WIRES = { serialLinePort: '/tmp/vigia-sim/ttyA', modbusPort: '/tmp/vigia-sim/ttyC' };

describe('demoSensors', () => {
  it.each([
    ['MQTT only', {}],
    ['MQTT and serial line', { serialLinePort: ALL_WIRES.serialLinePort }],
    ['MQTT and Modbus', { modbusPort: ALL_WIRES.modbusPort }],
    ['MQTT and Modbus TCP', { modbusTcp: { host: '127.0.0.1', port: 1502 } }],
    ['every wire', ALL_WIRES],
  ])('gives sensors valid for the shared SensorConfig schema (%s)', (_, ports) => {
    const sensors = demoSensors(ports);
    for (const s of sensors) {
      const parsed = SensorConfig.safeParse(s);
      expect(parsed.success, `${s.id}: ${parsed.error?.message}`).toBe(true);
    }
    const config = EdgeConfig.safeParse({
      device: { id: 'plant-01', site: 'mobile-plant' },
      server: { url: 'http://localhost:8080', token_file: './device.token' },
      sensors,
    });
    expect(config.success, config.error?.message).toBe(true);
  });

  it('lists every simulated sensor once, with a Spanish name and a unit of its quantity', () => {
    const sensors = demoSensors(ALL_WIRES);
    expect(sensors.map((s) => s.id)).toEqual([...SIM_SENSOR_IDS]);
    for (const s of sensors) {
      expect(isUnitOf(s.quantity, s.unit), `${s.id} ${s.quantity} ${s.unit}`).toBe(true);
      expect(s.name).toMatch(/\S/);
    }
    expect(sensors.find((s) => s.id === 'tunnel.ch4')).toMatchObject({
      name: 'Metano frente 1',
      quantity: 'methane',
      unit: '%vol',
      source: { driver: 'mqtt', topic: 'vigia/tunnel-1/ch4', json_path: 'value' },
    });
  });

  it('routes plant sensors to their wires when given, and to MQTT otherwise', () => {
    const drivers = (ports: Parameters<typeof demoSensors>[0]) =>
      Object.fromEntries(demoSensors(ports).map((s) => [s.id, s.source.driver]));
    expect(new Set(Object.values(drivers({})))).toEqual(new Set(['mqtt']));
    const all = drivers(ALL_WIRES);
    expect(all['plant.ore_feed']).toBe('modbus-rtu');
    expect(all['plant.water_in']).toBe('modbus-rtu');
    expect(all['plant.water_recirc']).toBe('modbus-rtu');
    expect(all['plant.discharge_ph']).toBe('serial-line');
    expect(all['plant.discharge_turbidity']).toBe('serial-line');
    expect(all['tunnel.co']).toBe('mqtt');
    const serialOnly = drivers({ serialLinePort: ALL_WIRES.serialLinePort });
    expect(serialOnly['plant.ore_feed']).toBe('mqtt');
    expect(serialOnly['plant.discharge_ph']).toBe('serial-line');
    const tcp = drivers({ modbusTcp: { host: '127.0.0.1', port: 1502 } });
    expect(tcp['plant.ore_feed']).toBe('modbus-tcp');
    expect(tcp['plant.discharge_ph']).toBe('mqtt');
    expect(drivers({ ...ALL_WIRES, modbusTcp: { host: '127.0.0.1', port: 1502 } })['plant.ore_feed']).toBe(
      'modbus-rtu',
    );
  });

  it('points modbus sensors at float32 big-endian holding registers 0, 2, 4 of unit 1', () => {
    const modbus = demoSensors(ALL_WIRES).filter((s) => s.source.driver === 'modbus-rtu');
    expect(modbus.map((s) => [s.id, s.source])).toEqual([
      ['plant.ore_feed', expect.objectContaining({ register: 0, type: 'float32', word_order: 'big', unit_id: 1 })],
      ['plant.water_in', expect.objectContaining({ register: 2, type: 'float32', word_order: 'big', unit_id: 1 })],
      ['plant.water_recirc', expect.objectContaining({ register: 4, type: 'float32', word_order: 'big', unit_id: 1 })],
    ]);
    for (const s of modbus) expect(s.source).toMatchObject({ port: ALL_WIRES.modbusPort, function: 'holding' });
  });

  it('has serial patterns that pull each value out of the line the probe prints', () => {
    const line = formatProbeLine(
      SIM_SENSORS.filter((s) => s.serial).map((s) => ({
        key: s.serial!.key,
        value: s.id === 'plant.discharge_ph' ? 5.61 : 35.2,
        decimals: s.serial!.decimals,
      })),
    );
    expect(line).toBe('PH=5.61;TURB=35.2\r\n');
    const got = Object.fromEntries(
      demoSensors(ALL_WIRES)
        .filter((s) => s.source.driver === 'serial-line')
        .map((s) => {
          const src = s.source as { pattern: string };
          return [s.id, Number(new RegExp(src.pattern).exec(line)?.groups?.value)];
        }),
    );
    expect(got).toEqual({ 'plant.discharge_ph': 5.61, 'plant.discharge_turbidity': 35.2 });
  });

  it('gives MQTT topics that are unique per sensor', () => {
    const topics = SIM_SENSORS.map((s) => s.topic);
    expect(new Set(topics).size).toBe(topics.length);
  });
});
