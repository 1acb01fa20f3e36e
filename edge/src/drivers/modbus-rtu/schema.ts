/** The `source:` block of a modbus-rtu sensor. Defined in shared (one contract); re-exported for the driver. */
export { ModbusRtuSource as schema } from '@vigia/shared';
