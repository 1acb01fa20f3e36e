/**
 * @module test-support/server-process
 * The real `vigia-server` process for tests: admin commands run to completion, and serving
 * on a free port (VIGIA_PORT=0) until the listening line names the URL.
 */
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVER_BIN = fileURLToPath(new URL('../bin/vigia-server.mjs', import.meta.url));

const envFor = (dataDir: string, extra: Record<string, string> = {}) => ({
  ...process.env,
  VIGIA_DATA_DIR: dataDir,
  ...extra,
});

/** `vigia-server <args>` on `dataDir`, to completion. */
export function runServerCli(dataDir: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [SERVER_BIN, ...args], {
    env: envFor(dataDir),
    input,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

/** Serve `dataDir` on a free port; resolves with the base URL once it listens. */
export function serveServer(dataDir: string): { child: ChildProcess; url: Promise<string> } {
  return spawnListening([], envFor(dataDir, { VIGIA_PORT: '0', VIGIA_HOST: '127.0.0.1', VIGIA_LOG_LEVEL: 'warn' }));
}

/** `vigia-server <args>` with exactly `env`; `url` resolves once the listening line names it. */
export function spawnListening(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^Vigía server listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`vigia-server exited ${code} before listening: ${stderr}`)));
  });
  return { child, url };
}
