// An open breach survives a restart of the real `vigia-server` process (SIGTERM, start again),
// and the rule goes on from where it was: the same breach is extended and closed, not duplicated.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerCli, serveServer } from '../../test-support/server-process.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies read loosely in assertions
type Json = any;

let dataDir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigia-restart-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const run = (args: string[], input?: string) => runServerCli(dataDir, args, input);

/** Start `vigia-server` on a free port (VIGIA_PORT=0) and return its base URL. */
async function serve(): Promise<string> {
  const started = serveServer(dataDir);
  child = started.child;
  return started.url;
}

async function stop(): Promise<number | null> {
  const proc = child!;
  const code = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  proc.kill('SIGTERM');
  return code;
}

type Breach = { id: number; start: number; end: number | null; peak: number };

describe('compliance across a restart (real process)', () => {
  it('keeps an open breach open under the same id, then extends and closes it', async () => {
    const token = run(['device', 'add', 'plant-01', '--site', 'mobile-plant']).stdout.trimEnd().split('\n').at(-1)!;
    expect(
      run(['user', 'add', 'maria', '--role', 'officer', '--all-sites', '--password-stdin'], 'a long password\n').status,
    ).toBe(0);
    const now = Date.now();
    const t0 = now - 10 * 60_000;
    const ingest = (url: string, from: number, n: number, value: number) =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({
          device: 'plant-01',
          readings: Array.from({ length: n }, (_, i) => ({ sensor: 'tunnel.ch4', ts: from + i * 1000, value })),
        }),
      });
    const login = async (url: string) => {
      const res = await fetch(`${url}/api/v1/login`, {
        method: 'POST',
        body: JSON.stringify({ user: 'maria', password: 'a long password' }),
      });
      return res.headers.get('set-cookie')!.split(';')[0];
    };
    const list = async (url: string, cookie: string) =>
      (
        (await (
          await fetch(`${url}/api/v1/breaches?from=0&to=${now + 3_600_000}`, { headers: { cookie } })
        ).json()) as {
          breaches: Breach[];
        }
      ).breaches;

    let url = await serve();
    expect((await ingest(url, t0, 10, 0.2)).status).toBe(200);
    let cookie = await login(url);
    const put = await fetch(`${url}/api/v1/permits`, {
      method: 'PUT',
      headers: { cookie, origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({
        permits: [
          {
            id: 'atmosfera',
            title: 'Atmósfera subterránea',
            site: 'mobile-plant',
            rules: [
              {
                id: 'ch4',
                sensor: 'tunnel.ch4',
                kind: 'max',
                max: 1,
                averaging: 'instant',
                clear: '5s',
                severity: 'alarm',
              },
            ],
          },
        ],
      }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await ingest(url, t0 + 10_000, 30, 1.3)).status).toBe(200);
    const [open] = await list(url, cookie);
    expect(open).toMatchObject({ start: t0 + 10_000, end: null, peak: 1.3 });
    expect(await stop()).toBe(0);

    url = await serve();
    cookie = await login(url);
    expect(await list(url, cookie)).toEqual([expect.objectContaining({ id: open.id, start: open.start, end: null })]);
    const status = (await (await fetch(`${url}/api/v1/rules/status`, { headers: { cookie } })).json()) as Json;
    expect(status.rules).toEqual([expect.objectContaining({ rule: 'ch4', state: 'breach', breach: open.id })]);
    expect((await ingest(url, t0 + 40_000, 10, 1.8)).status).toBe(200);
    expect((await ingest(url, t0 + 50_000, 10, 0.3)).status).toBe(200);
    expect(await list(url, cookie)).toEqual([
      expect.objectContaining({ id: open.id, start: t0 + 10_000, end: t0 + 50_000, peak: 1.8 }),
    ]);
    expect(await stop()).toBe(0);
  });
});
