/**
 * @module drivers
 * The driver registry: driver name (the `driver:` value in config) to its module (docs/design.md C3).
 * Adding a driver means adding its folder and one line here. The keys are the shared source
 * registry's (`SOURCES` in shared/src/config/edge.ts): a driver the shared schema knows but this
 * registry lacks does not compile, so a config that parses always has its driver.
 */
import type { DriverName } from '@vigia/shared';
import type { DriverModule } from './driver.ts';
import { modbusRtuDriver } from './modbus-rtu/modbus-rtu.ts';
import { modbusTcpDriver } from './modbus-tcp/modbus-tcp.ts';
import { mqttDriver } from './mqtt/mqtt.ts';
import { serialLineDriver } from './serial-line/serial-line.ts';

export const DRIVERS: Readonly<Record<DriverName, DriverModule>> = {
  'modbus-rtu': modbusRtuDriver as DriverModule,
  'modbus-tcp': modbusTcpDriver as DriverModule,
  mqtt: mqttDriver as DriverModule,
  'serial-line': serialLineDriver as DriverModule,
};
