/** The `source:` block of a modbus-tcp sensor. Defined in shared (one contract); re-exported for the driver. */
export { ModbusTcpSource as schema } from '@vigia/shared';
