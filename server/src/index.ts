/** @module @vigia/server — what tests and tools may build a server from (the bin is main.ts). */
export { createApp, type VigiaApp } from './app.ts';
export { type Clock, systemClock } from './clock.ts';
export type { AppDeps } from './deps.ts';
export { readEnv, type ServerEnv } from './env.ts';
export { createLiveHub, type LiveHub } from './live/hub.ts';
export { type Meta, openMeta } from './meta/meta.ts';
export { type InfluxStore, type InfluxStoreOptions, openInfluxStore } from './storage/influxdb/influxdb-store.ts';
export { openSqliteStore, type SqliteStoreOptions } from './storage/sqlite/sqlite-store.ts';
export type { SeriesLabels, Store } from './storage/store.ts';
