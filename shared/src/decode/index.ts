/**
 * @module decode
 * Pure decoders (docs/design.md C4): Modbus RTU framing and registers, serial-line and JSON values.
 * The edge drivers and `vigia-config probe` use these same functions, so what the technician
 * sees while probing is what the agent will read. Never throw; errors are stable codes.
 */
export * from './json-path.ts';
export * from './line.ts';
export * from './modbus-frame.ts';
export * from './modbus-registers.ts';
export * from './result.ts';
