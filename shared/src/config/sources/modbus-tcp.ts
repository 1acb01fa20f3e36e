/**
 * `source:` block of a sensor read over Modbus TCP: a meter, PLC or RS-485 gateway on the
 * plant's Ethernet (edge/src/drivers/modbus-tcp/README.md). The register keys mean exactly what
 * they mean for modbus-rtu, so one register map serves both.
 */
import { z } from 'zod';
import { Duration } from '../../duration.ts';
import { ModbusRtuSource } from './modbus-rtu.ts';

const { function: fn, register, type, word_order } = ModbusRtuSource.shape;

export const ModbusTcpSource = z
  .object({
    driver: z.literal('modbus-tcp'),
    host: z.string().min(1).describe('IP address or name of the device or gateway, e.g. 192.168.1.50'),
    port: z.number().int().min(1).max(65535).default(502),
    unit_id: z
      .number()
      .int()
      .min(0)
      .max(255)
      .describe('unit identifier: the slave address behind a gateway; many direct devices take 1 or 255'),
    function: fn,
    register,
    type,
    word_order,
    timeout: Duration.default(1000).describe('how long the device (or the gateway and its unit) may take to answer'),
  })
  .strict();
export type ModbusTcpSource = z.infer<typeof ModbusTcpSource>;
