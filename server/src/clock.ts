/**
 * @module clock — the server's wall clock as a dependency, so tests can set the time. Its own
 * module because both `deps.ts` (what `createApp` takes) and the modules it builds need it.
 */
export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };
