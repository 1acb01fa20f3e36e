/**
 * @module rules
 * Pure permit-rule evaluation shared by the server's compliance engine and the edge's local
 * safety rules: schemas, averaging, the state machine and its brute-force reference.
 * No I/O, no platform API, no clock reads.
 */
export * from './averager.ts';
export * from './averaging.ts';
export * from './compile.ts';
export { rateBaseMs } from './daily.ts';
export * from './evaluate.ts';
export * from './events.ts';
export type { MachineSnapshot } from './machine.ts';
export * from './permit.ts';
export * from './permit-issues.ts';
export * from './reference.ts';
export * from './time-zone.ts';
