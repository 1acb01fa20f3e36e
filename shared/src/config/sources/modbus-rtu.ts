/** `source:` block of a sensor read over RS-485 Modbus RTU (edge/src/drivers/modbus-rtu/README.md). */
import { z } from 'zod';

export const ModbusRtuSource = z
  .object({
    driver: z.literal('modbus-rtu'),
    port: z.string().min(1).describe('serial device, e.g. /dev/ttyUSB0'),
    baud: z.number().int().positive().default(9600),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    unit_id: z.number().int().min(1).max(247).describe('Modbus slave address'),
    function: z.enum(['holding', 'input']).default('holding'),
    register: z.number().int().min(0).max(65535).describe('first register, 0-based'),
    type: z.enum(['int16', 'uint16', 'int32', 'uint32', 'float32']).default('uint16'),
    word_order: z.enum(['big', 'little']).default('big').describe('little = low word first (word swap)'),
  })
  .strict();
export type ModbusRtuSource = z.infer<typeof ModbusRtuSource>;
