// `vigia-server user list|disable|enable|passwd|remove` as a real process against meta.db, with a
// served vigia-server on the same data dir: a disabled user's session ends and it cannot sign in.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerCli, serveServer } from '../../test-support/server-process.ts';

let dataDir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigia-users-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});
const run = (args: string[], input?: string) => runServerCli(dataDir, args, input);

/**
 * fetch, tried again once when the kept-alive socket was closed by the server meanwhile (each CLI
 * run between two requests takes seconds on a loaded machine, past the server's keep-alive).
 */
async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

describe('vigia-server user (real process)', () => {
  it('lists, disables, enables, changes the password of and removes users; keeps the last admin', async () => {
    expect(
      run(['user', 'add', 'root', '--role', 'admin', '--all-sites', '--password-stdin'], 'raíz larga y segura').status,
    ).toBe(0);
    expect(
      run(['user', 'add', 'ana', '--role', 'operator', '--site', 'a', '--password-stdin'], 'ana tiene clave larga')
        .status,
    ).toBe(0);
    const list = run(['user', 'list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ana\toperator\tsites a\tenabled$/m);
    expect(list.stdout).toMatch(/^root\tadmin\tall sites\tenabled$/m);

    const started = serveServer(dataDir);
    child = started.child;
    const url = await started.url;
    const login = (user: string, password: string) =>
      request(`${url}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ user, password }),
      });
    const signed = await login('ana', 'ana tiene clave larga');
    expect(signed.status).toBe(200);
    const cookie = signed.headers.get('set-cookie')!.split(';')[0];
    const me = () => request(`${url}/api/v1/me`, { headers: { cookie } }).then((r) => r.status);
    expect(await me()).toBe(200);

    const disabled = run(['user', 'disable', 'ana']);
    expect(disabled.status, disabled.stderr).toBe(0);
    expect(disabled.stdout).toMatch(/disabled/);
    expect(run(['user', 'list']).stdout).toMatch(/^ana\toperator\tsites a\tdisabled since /m);
    expect(await me()).toBe(401);
    expect((await login('ana', 'ana tiene clave larga')).status).toBe(403);

    expect(run(['user', 'enable', 'ana']).status).toBe(0);
    const noStdin = run(['user', 'passwd', 'ana']);
    expect(noStdin.status).toBe(2);
    expect(noStdin.stderr).toMatch(/--password-stdin/);
    const weak = run(['user', 'passwd', 'ana', '--password-stdin'], 'short');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toMatch(/al menos 12/);
    expect(run(['user', 'passwd', 'ana', '--password-stdin'], 'una clave nueva larga').status).toBe(0);
    expect((await login('ana', 'ana tiene clave larga')).status).toBe(401);
    expect((await login('ana', 'una clave nueva larga')).status).toBe(200);

    const lastAdmin = run(['user', 'disable', 'root']);
    expect(lastAdmin.status).toBe(2);
    expect(lastAdmin.stderr).toMatch(/last enabled admin/);
    expect(run(['user', 'remove', 'ana']).status).toBe(0);
    expect(run(['user', 'list']).stdout).not.toMatch(/^ana/m);
    const unknown = run(['user', 'disable', 'ana']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no user "ana"/);
  }, 120_000);
});
