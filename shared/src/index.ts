/**
 * @module @vigia/shared
 * Pure code every part imports: wire and config schemas, units, calibration, errors.
 * Imports no other part and no platform API (runs unchanged in Node and the browser).
 */
export * from './backoff.ts';
export * from './calibrate.ts';
export * from './config/edge.ts';
export * from './config/server.ts';
export * from './decode/index.ts';
export * from './duration.ts';
export * from './edge-api.ts';
export * from './errors.ts';
export * from './format-issues.ts';
export * from './ids.ts';
export * from './ingest.ts';
export * from './live.ts';
export * from './notifications.ts';
export * from './port-problem.ts';
export * from './reading.ts';
export * from './rules/index.ts';
export * from './sensor.ts';
export * from './series.ts';
export * from './templates/index.ts';
export * from './units.ts';
