/** `source:` block of a sensor node that publishes over MQTT. */
import { z } from 'zod';

export const MqttSource = z
  .object({
    driver: z.literal('mqtt'),
    topic: z
      .string()
      .min(1)
      .refine((t) => !/[+#]/.test(t), 'use a concrete topic, without + or # wildcards'),
    json_path: z.string().min(1).optional().describe('dotted path to the number; absent = payload is a plain number'),
  })
  .strict();
export type MqttSource = z.infer<typeof MqttSource>;
