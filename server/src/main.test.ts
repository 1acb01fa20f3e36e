// The real `vigia-server` process: admin commands, serving, and a clean SIGTERM.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerCli, SERVER_BIN, serveServer, spawnListening } from '../test-support/server-process.ts';

const T0 = 1_764_000_000_000;

let dataDir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigia-main-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ ...process.env, VIGIA_DATA_DIR: dataDir, ...extra });
const run = (args: string[], input?: string) => runServerCli(dataDir, args, input);

/** Start `vigia-server` on a free port (VIGIA_PORT=0) and return its base URL. */
async function serve(): Promise<string> {
  const started = serveServer(dataDir);
  child = started.child;
  return started.url;
}

const exited = (proc: ChildProcess) =>
  new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

describe('vigia-server (real process)', () => {
  it('device add prints a token on its last line that a served vigia-server accepts; SIGTERM exits 0', async () => {
    const added = run(['device', 'add', 'plant-01', '--site', 'mobile-plant']);
    expect(added.status, added.stderr).toBe(0);
    const token = added.stdout.trimEnd().split('\n').at(-1)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const url = await serve();
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ device: 'plant-01', readings: [{ sensor: 'plant.ph', ts: T0, value: 7.2 }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1 });
    const wrong = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token' },
      body: '{}',
    });
    expect(wrong.status).toBe(401);

    // A live stream open at shutdown must not hold the process.
    const passwordAdded = run(
      ['user', 'add', 'ana', '--role', 'operator', '--all-sites', '--password-stdin'],
      'a long password\n',
    );
    expect(passwordAdded.status, passwordAdded.stderr).toBe(0);
    const login = await fetch(`${url}/api/v1/login`, {
      method: 'POST',
      body: JSON.stringify({ user: 'ana', password: 'a long password' }),
    });
    expect(login.status).toBe(200);
    const live = await fetch(`${url}/api/v1/live`, {
      headers: { cookie: login.headers.get('set-cookie')!.split(';')[0] },
    });
    expect(live.status).toBe(200);

    const proc = child!;
    const code = exited(proc);
    proc.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  it('device revoke, run while the server serves, makes the token answer 401 token_revoked', async () => {
    const added = run(['device', 'add', 'plant-01', '--site', 'mobile-plant']);
    expect(added.status, added.stderr).toBe(0);
    const token = added.stdout.trimEnd().split('\n').at(-1)!;
    const url = await serve();
    const ingest = () =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ device: 'plant-01', readings: [{ sensor: 'plant.ph', ts: T0, value: 7 }] }),
      });
    expect((await ingest()).status).toBe(200);

    const revoked = run(['device', 'revoke', 'plant-01']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/revoked/);
    const refused = await ingest();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('token_revoked');

    expect(run(['device', 'revoke', 'plant-01']).stdout).toMatch(/already revoked/);
    const unknown = run(['device', 'revoke', 'ghost']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no device "ghost"/);
  });

  it('device rotate-token gives a revoked device a new token: same id, same sensors, old token refused', async () => {
    const added = run(['device', 'add', 'plant-01', '--site', 'mobile-plant']);
    const oldToken = added.stdout.trimEnd().split('\n').at(-1)!;
    const url = await serve();
    const ingest = (token: string, ts: number) =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ device: 'plant-01', readings: [{ sensor: 'plant.ph', ts, value: 7 }] }),
      });
    expect((await ingest(oldToken, T0)).status).toBe(200);
    expect(run(['device', 'revoke', 'plant-01']).stdout).toMatch(/device rotate-token plant-01/);

    const rotated = run(['device', 'rotate-token', 'plant-01']);
    expect(rotated.status, rotated.stderr).toBe(0);
    const newToken = rotated.stdout.trimEnd().split('\n').at(-1)!;
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken).not.toBe(oldToken);
    // The sensor plant.ph still belongs to plant-01, so the new token may write it.
    expect((await ingest(newToken, T0 + 1000)).status).toBe(200);
    expect((await ingest(oldToken, T0 + 2000)).status).toBe(401);
    const unknown = run(['device', 'rotate-token', 'ghost']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no device "ghost"/);
  });

  it('device add refuses a duplicate id and a bad site with a message and exit 2', () => {
    expect(run(['device', 'add', 'plant-01', '--site', 'mobile-plant']).status).toBe(0);
    const dup = run(['device', 'add', 'plant-01', '--site', 'mobile-plant']);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);
    const bad = run(['device', 'add', 'plant-02', '--site', 'Mobile Plant']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/site/);
    const noSite = run(['device', 'add', 'plant-03']);
    expect(noSite.status).toBe(2);
    expect(noSite.stderr).toMatch(/--site/);
  });

  it('user add reads the password from stdin only, and refuses a bad role or a password under 12 characters', () => {
    const noStdin = run(['user', 'add', 'ana', '--role', 'operator']);
    expect(noStdin.status).toBe(2);
    expect(noStdin.stderr).toMatch(/--password-stdin/);
    const badRole = run(['user', 'add', 'ana', '--role', 'boss', '--password-stdin'], 'a long password');
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/role/);
    const short = run(['user', 'add', 'ana', '--role', 'operator', '--password-stdin'], 'short');
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/at least 12 characters/);
    expect(short.stderr).toMatch(/al menos 12 caracteres/);
    // 11 characters: one short of the rule.
    expect(run(['user', 'add', 'ana', '--role', 'operator', '--password-stdin'], 'long enough').status).toBe(2);
  });

  it('user add refuses a common password and --site with --all-sites; without either the user sees no site', () => {
    const common = run(['user', 'add', 'ana', '--role', 'operator', '--password-stdin'], 'Password2026!');
    expect(common.status).toBe(2);
    expect(common.stderr).toMatch(/most common/);
    const both = run(['user', 'add', 'ana', '--role', 'admin', '--site', 'a', '--all-sites', '--password-stdin'], 'x');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const ok = run(
      ['user', 'add', 'ana', '--role', 'admin', '--site', 'a', '--site', 'b', '--password-stdin'],
      'long enough!',
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/for site\(s\) a, b/);
    const none = run(['user', 'add', 'luis', '--role', 'operator', '--password-stdin'], 'twelve chars ok');
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/for no site/);
  });

  it('refuses a bad VIGIA_PORT and an unknown command with exit 2', () => {
    const badPort = spawnSync(process.execPath, [SERVER_BIN], { env: env({ VIGIA_PORT: 'eighty' }), encoding: 'utf8' });
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toMatch(/VIGIA_PORT/);
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Usage/);
  });
});

describe('vigia-server --config server.yaml (real process)', () => {
  /** The environment without any VIGIA_* variable of the test runner. */
  const bare = (extra: Record<string, string> = {}) => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIA_'))),
    ...extra,
  });
  function serveWith(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
    const started = spawnListening(args, bare(extraEnv));
    child = started.child;
    return started.url;
  }

  it('serves with the settings of the file; data_dir is relative to the file; admin commands take --config too', async () => {
    const file = join(dataDir, 'server.yaml');
    writeFileSync(file, 'port: 0\nhost: 127.0.0.1\ndata_dir: ./state\nlog_level: warn\n');
    const added = spawnSync(
      process.execPath,
      [SERVER_BIN, '--config', file, 'device', 'add', 'plant-01', '--site', 'm'],
      {
        env: bare(),
        encoding: 'utf8',
      },
    );
    expect(added.status, added.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'state', 'meta.db'))).toBe(true);
    const url = await serveWith(['--config', file]);
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${added.stdout.trimEnd().split('\n').at(-1)}` },
      body: JSON.stringify({ device: 'plant-01', readings: [{ sensor: 'plant.ph', ts: T0, value: 7 }] }),
    });
    expect(res.status).toBe(200);
    expect(existsSync(join(dataDir, 'state', 'readings.db'))).toBe(true);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({
      ok: true,
      store: { state: 'ok', detail: 'embedded store' },
    });
  });

  it('a bad config stops with exit 2 naming the file, the key and the fix; an inline password is refused', () => {
    const file = join(dataDir, 'server.yaml');
    const check = (text: string) => {
      writeFileSync(file, text);
      return spawnSync(process.execPath, [SERVER_BIN, '--config', file], {
        env: bare(),
        encoding: 'utf8',
        timeout: 20_000,
      });
    };
    const badPort = check('port: eighty\n');
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain(`${file}: port: write the port as a whole number`);
    const typo = check('prot: 8080\n');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain(`${file}: (top level): unknown key "prot"`);
    const inline = check('influx: { url: http://127.0.0.1:8086, user: vigia, password: secret }\n');
    expect(inline.status).toBe(2);
    expect(inline.stderr).toContain(`${file}: influx: unknown key "password"`);
    const noFile = check('influx: { url: http://127.0.0.1:8086, user: vigia, password_file: ./nope }\n');
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain(`${file}: influx.password_file: ${join(dataDir, 'nope')} does not exist`);
    const missing = spawnSync(process.execPath, [SERVER_BIN, '--config', join(dataDir, 'absent.yaml')], {
      env: bare(),
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/absent\.yaml: \(file\): .* does not exist/);
  });

  it('environment variables override the file', async () => {
    const file = join(dataDir, 'server.yaml');
    writeFileSync(file, 'port: 1\nhost: 127.0.0.1\ndata_dir: ./from-file\nlog_level: warn\n');
    const envDir = join(dataDir, 'from-env');
    const url = await serveWith(['--config', file], { VIGIA_PORT: '0', VIGIA_DATA_DIR: envDir });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(existsSync(join(envDir, 'meta.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'from-file'))).toBe(false);
  });
});
