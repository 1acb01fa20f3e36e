/**
 * @module drivers
 * The driver registry: driver name (the `driver:` value in config) to its module (STYLE.md C3).
 * Adding a driver means adding its folder and one line here. A name missing here is rejected at
 * startup with a clear message, even if the shared config schema knows it (modbus-rtu, for now).
 */
import type { DriverModule } from './driver.ts';
import { mqttDriver } from './mqtt/mqtt.ts';
import { serialLineDriver } from './serial-line/serial-line.ts';

export const DRIVERS: Record<string, DriverModule> = {
  mqtt: mqttDriver as DriverModule,
  'serial-line': serialLineDriver as DriverModule,
};
