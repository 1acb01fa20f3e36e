/**
 * @module test/simulator/sensors
 * Which transport carries each simulated sensor, and the edge `sensors:` list that reads
 * exactly what the simulator emits. `main.ts` and `demoSensors()` both route through
 * `transportOf()`, so the two can never disagree.
 */
import type { SensorConfig } from '@vigia/shared';
import type { z } from 'zod';
import type { SimSensorId } from './model.ts';

export type SensorConfigInput = z.input<typeof SensorConfig>;
export type Transport = 'mqtt' | 'serial-line' | 'modbus-rtu' | 'modbus-tcp';

/** Slave address of the simulated flow computer on the RS-485 line (and its unit id over Modbus TCP). */
export const MODBUS_UNIT_ID = 1;
export const SERIAL_BAUD = 9600;

export type SimSensorSpec = {
  id: SimSensorId;
  name: string;
  quantity: string;
  unit: string;
  /** Always valid: the sensor falls back to MQTT when its preferred wire is not given. */
  topic: string;
  /** Field in the probe's ASCII line (`PH=7.12;TURB=35.2`) and its decimals. */
  serial?: { key: string; decimals: number };
  /** First holding register of its float32 (big word order). */
  modbus?: { register: number };
};

/**
 * The plant's flow computer sits on RS-485 (ore feed from the belt scale, fresh and
 * recirculated water from the magnetic flow meters); the discharge probe prints ASCII lines;
 * the tunnel gas and air nodes publish over MQTT.
 */
export const SIM_SENSORS: readonly SimSensorSpec[] = [
  {
    id: 'plant.ore_feed',
    name: 'Alimentación de mineral',
    quantity: 'mass_flow',
    unit: 't/h',
    topic: 'vigia/plant-1/ore_feed',
    modbus: { register: 0 },
  },
  {
    id: 'plant.water_in',
    name: 'Agua de entrada',
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    topic: 'vigia/plant-1/water_in',
    modbus: { register: 2 },
  },
  {
    id: 'plant.water_recirc',
    name: 'Agua recirculada',
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    topic: 'vigia/plant-1/water_recirc',
    modbus: { register: 4 },
  },
  {
    id: 'plant.discharge_ph',
    name: 'pH del vertimiento',
    quantity: 'ph',
    unit: 'pH',
    topic: 'vigia/plant-1/discharge_ph',
    serial: { key: 'PH', decimals: 2 },
  },
  {
    id: 'plant.discharge_turbidity',
    name: 'Turbiedad del vertimiento',
    quantity: 'turbidity',
    unit: 'NTU',
    topic: 'vigia/plant-1/discharge_turbidity',
    serial: { key: 'TURB', decimals: 1 },
  },
  { id: 'tunnel.ch4', name: 'Metano frente 1', quantity: 'methane', unit: '%vol', topic: 'vigia/tunnel-1/ch4' },
  {
    id: 'tunnel.co',
    name: 'Monóxido de carbono frente 1',
    quantity: 'carbon_monoxide',
    unit: 'ppm',
    topic: 'vigia/tunnel-1/co',
  },
  { id: 'tunnel.o2', name: 'Oxígeno frente 1', quantity: 'oxygen', unit: '%vol', topic: 'vigia/tunnel-1/o2' },
  {
    id: 'tunnel.no2',
    name: 'Dióxido de nitrógeno frente 1',
    quantity: 'nitrogen_dioxide',
    unit: 'ppm',
    topic: 'vigia/tunnel-1/no2',
  },
  {
    id: 'tunnel.air_velocity',
    name: 'Velocidad del aire galería 1',
    quantity: 'air_velocity',
    unit: 'm/s',
    topic: 'vigia/tunnel-1/air_velocity',
  },
];

/** `modbusTcp`: the same register map is also served over Modbus TCP (used when there is no RTU wire). */
export type Wires = { serialLine: boolean; modbus: boolean; modbusTcp?: boolean };

/** The transport a sensor goes out on, given which wires the simulator has. */
export function transportOf(spec: SimSensorSpec, wires: Wires): Transport {
  if (spec.modbus && wires.modbus) return 'modbus-rtu';
  if (spec.modbus && wires.modbusTcp) return 'modbus-tcp';
  if (spec.serial && wires.serialLine) return 'serial-line';
  return 'mqtt';
}

/** Escape a literal for use inside a regular expression. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The `sensors:` list for an edge config that reads the simulator: MQTT sensors always,
 * serial-line sensors when `serialLinePort` is given (the edge's end of the pty pair),
 * modbus-rtu sensors when `modbusPort` is given, else modbus-tcp sensors when `modbusTcp` is given
 * (the simulator's `--modbus-tcp` address). Without a wire, its sensors come over MQTT.
 *
 * @example
 * const sensors = demoSensors({ serialLinePort: pair.a });
 * // [{ id: 'plant.ore_feed', source: { driver: 'mqtt', topic: 'vigia/plant-1/ore_feed', json_path: 'value' } }, …]
 */
export function demoSensors(
  ports: { serialLinePort?: string; modbusPort?: string; modbusTcp?: { host: string; port: number } } = {},
): SensorConfigInput[] {
  const wires: Wires = {
    serialLine: ports.serialLinePort !== undefined,
    modbus: ports.modbusPort !== undefined,
    modbusTcp: ports.modbusTcp !== undefined,
  };
  return SIM_SENSORS.map((spec) => {
    const base = { id: spec.id, name: spec.name, quantity: spec.quantity, unit: spec.unit };
    switch (transportOf(spec, wires)) {
      case 'modbus-rtu':
        return {
          ...base,
          interval: '1s',
          source: {
            driver: 'modbus-rtu' as const,
            port: ports.modbusPort!,
            baud: SERIAL_BAUD,
            parity: 'none' as const,
            unit_id: MODBUS_UNIT_ID,
            function: 'holding' as const,
            register: spec.modbus!.register,
            type: 'float32' as const,
            word_order: 'big' as const,
          },
        };
      case 'modbus-tcp':
        return {
          ...base,
          interval: '1s',
          source: {
            driver: 'modbus-tcp' as const,
            host: ports.modbusTcp!.host,
            port: ports.modbusTcp!.port,
            unit_id: MODBUS_UNIT_ID,
            function: 'holding' as const,
            register: spec.modbus!.register,
            type: 'float32' as const,
            word_order: 'big' as const,
          },
        };
      case 'serial-line':
        return {
          ...base,
          source: {
            driver: 'serial-line' as const,
            port: ports.serialLinePort!,
            baud: SERIAL_BAUD,
            pattern: `${escapeRegex(spec.serial!.key)}=(?<value>-?[0-9.]+)`,
          },
        };
      default:
        return { ...base, source: { driver: 'mqtt' as const, topic: spec.topic, json_path: 'value' } };
    }
  });
}
