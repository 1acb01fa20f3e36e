/**
 * @module storage/open-store
 * Opening the readings store the configuration names: one opener per backend in `STORES`, and
 * `storeKind` choosing among them (InfluxDB when its URL is set, else the embedded SQLite file).
 * Adding a backend is one opener and one line in `STORES` (docs/design.md "Adding a store").
 *
 * Invariant: opening never waits for an external engine. An unreachable InfluxDB does not stop
 * the server: ingest answers 503 (the edge keeps and re-sends) until it is back, `status()` says
 * why, and `vigia_store_up` in /metrics says 0.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openInfluxStore } from './influxdb/influxdb-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** The settings a store is chosen and opened from (a subset of ServerEnv). */
export type StoreConfig = {
  dataDir: string;
  influx?: { url: string; db: string; user?: string; password?: string };
};

type Opener = (config: StoreConfig, log: Logger) => Store;

const openSqlite: Opener = (config) => {
  const file = join(config.dataDir, 'readings.db');
  console.log(`Readings: embedded SQLite store ${file}`);
  return openSqliteStore(file);
};

const openInflux: Opener = (config, log) => {
  if (!config.influx) throw new Error('the influxdb store needs influx settings (VIGIA_INFLUX_URL)');
  const influx = openInfluxStore(config.influx);
  const meta = join(config.dataDir, 'meta.db');
  console.log(`Readings: InfluxDB at ${influx.url}, database "${influx.db}" (metadata stays in ${meta})`);
  influx.connect().then(
    () => log.info({ url: influx.url, db: influx.db }, 'influxConnected'),
    (err: Error) => {
      console.error(`vigia-server: ${err.message}; ingest answers 503 until InfluxDB is back (edges keep and re-send)`);
      log.warn({ url: influx.url, err }, 'influxUnreachable');
    },
  );
  return influx;
};

/** Every backend by name. */
export const STORES = { sqlite: openSqlite, influxdb: openInflux } satisfies Record<string, Opener>;

export type StoreKind = keyof typeof STORES;

/** The backend the configuration asks for. */
export function storeKind(config: StoreConfig): StoreKind {
  return config.influx ? 'influxdb' : 'sqlite';
}

/**
 * Open the store the configuration names.
 * @example const store = openStore({ dataDir: '/var/lib/vigia' }, log); // SQLite
 */
export function openStore(config: StoreConfig, log: Logger): Store {
  return STORES[storeKind(config)](config, log);
}
