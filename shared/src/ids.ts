/** @module ids — identifiers shared by config and wire: sensors, devices, sites. */
import { z } from 'zod';

/** Sensor id: lower-case letters, digits, `_ . -`; unique on a device (and on the server: docs/decisions/2026-11-29-sensor-ids-unique-per-server.md). */
export const SensorId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9_.-]+$/, 'use only a-z, 0-9, "_", "." and "-" (e.g. plant.water_in)')
  .describe('sensor id, e.g. plant.ph');

/** Device and site ids follow the same alphabet. */
export const DeviceId = SensorId.describe('device id, e.g. plant-01');
export const SiteId = SensorId.describe('site id, e.g. mobile-plant');
