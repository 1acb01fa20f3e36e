/** @module @vigia/edge — the agent as a library (for tests and tools); the command is bin/vigia-edge.mjs. */
export { type Agent, type AgentDeps, createAgent } from './agent.ts';
export { type LoadedConfig, loadConfig, parseConfig } from './config.ts';
export { DRIVERS } from './drivers/index.ts';
