/**
 * @module drivers
 * The driver registry: driver name (the `driver:` value in config) to its module (docs/design.md C3).
 * Adding a driver means adding its folder and one line here. A name missing here is rejected at
 * startup with a clear message, even if the shared config schema knows it.
 */
import type { DriverModule } from './driver.ts';
import { modbusRtuDriver } from './modbus-rtu/modbus-rtu.ts';
import { mqttDriver } from './mqtt/mqtt.ts';
import { serialLineDriver } from './serial-line/serial-line.ts';

export const DRIVERS: Record<string, DriverModule> = {
  'modbus-rtu': modbusRtuDriver as DriverModule,
  mqtt: mqttDriver as DriverModule,
  'serial-line': serialLineDriver as DriverModule,
};
