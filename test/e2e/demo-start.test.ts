/**
 * `npm start` as a user runs it: the demo comes up (dashboard port answers, readings arrive),
 * and when only npm is told to stop (SIGTERM to its pid, as a process manager or a closed
 * session does) every process it started goes too: npm does not pass the signal on, so the
 * demo watches its parent (scripts/demo.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { freePort, waitFor } from '../services/util.ts';
import { REPO } from '../support/process.ts';

let npm: ChildProcess | undefined;
let tree: number[] = [];
afterAll(() => {
  // Whatever is still there, also when the test failed before it took the tree.
  const all = [...new Set([...tree, ...(npm?.pid ? descendants(npm.pid) : [])])];
  for (const pid of [npm?.pid, ...all]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Parent pid of every process, from /proc. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      out.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(root: number): number[] {
  const ppid = parents();
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of ppid)
      if (parent === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped) is gone for our purpose.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

it('npm start brings the demo up; SIGTERM to npm alone stops every process it started', async () => {
  const port = await freePort();
  npm = spawn('npm', ['start'], {
    cwd: REPO,
    env: { ...process.env, VIGIA_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  npm.stderr?.on('data', (d: Buffer) => {
    out += d;
  });
  await waitFor(
    () => out.includes('Ctrl-C'),
    150_000,
    () => `the demo did not come up:\n${out}`,
  );
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);

  tree = descendants(npm.pid ?? 0);
  expect(tree.length).toBeGreaterThanOrEqual(4); // shell, demo, server, agent, simulator…
  process.kill(npm.pid ?? 0, 'SIGTERM');
  await waitFor(
    () => tree.every((p) => !alive(p)),
    30_000,
    () => `still running after npm got SIGTERM: ${tree.filter(alive).join(', ')}\n${out}`,
  );
}, 240_000);
