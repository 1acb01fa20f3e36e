/**
 * @module wire — the JSON answers of the server's API as zod schemas, one definition each: the
 * server types what it sends with them (`z.infer`) and its route tests parse with them; the
 * dashboard parses what it receives with them (api.ts), so a drift fails a test, not a page.
 */
export * from './compliance.ts';
export * from './devices.ts';
export * from './sensors.ts';
export * from './users.ts';
