/**
 * @module test-support/test-app
 * A real app for route tests: a temp data dir with real SQLite meta and readings stores,
 * a live hub, a settable clock, and helpers to add devices and sign users in.
 * Test support only (imported by *.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type VigiaApp } from '../src/app.ts';
import { addDevice, addUser } from '../src/cli/admin.ts';
import { type ComplianceEngine, createComplianceEngine } from '../src/compliance/engine.ts';
import { createWebhooks, type WebhookOptions } from '../src/compliance/webhooks.ts';
import type { AppDeps } from '../src/deps.ts';
import { createLiveHub } from '../src/live/hub.ts';
import { openMeta } from '../src/meta/meta.ts';
import { createEmailNotifier, type EmailNotifier, type EmailOptions } from '../src/notifications/email.ts';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import { createTelemetry } from '../src/telemetry.ts';

/** 2025-11-24T16:00:00Z: readings in tests are stamped around here. */
export const T0 = 1_764_000_000_000;
export const ORIGIN = 'http://localhost';

export type TestApp = AppDeps & {
  app: VigiaApp;
  compliance: ComplianceEngine;
  notifications: EmailNotifier | undefined;
  dir: string;
  clock: { now(): number; set(ms: number): void };
  /** Create a device; returns its token. */
  device(id: string, site?: string): string;
  /** Create a user and sign in; returns the Cookie header value. No `sites`: the user sees every site (`--all-sites`). */
  signIn(name: string, role?: string, sites?: string[]): Promise<string>;
  close(): Promise<void>;
};

export async function makeTestApp(
  options: {
    dashboardDir?: string;
    heartbeatMs?: number;
    ringSize?: number;
    webhooks?: WebhookOptions;
    /** E-mail notifications through this SMTP server (started, like the webhooks). */
    email?: EmailOptions;
  } & Pick<AppDeps, 'liveLimits' | 'trustProxy' | 'metricsToken'> = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-server-'));
  let now = T0 + 60_000;
  const clock = {
    now: () => now,
    set(ms: number) {
      now = ms;
    },
  };
  const log = pino({ level: 'silent' });
  const deps: AppDeps = {
    store: openSqliteStore(join(dir, 'readings.db')),
    meta: openMeta(join(dir, 'meta.db')),
    live: createLiveHub({ ringSize: options.ringSize }),
    clock,
    log,
    telemetry: createTelemetry(log),
    dashboardDir: options.dashboardDir ?? join(dir, 'no-dashboard'),
    heartbeatMs: options.heartbeatMs,
    liveLimits: options.liveLimits,
    trustProxy: options.trustProxy,
    metricsToken: options.metricsToken,
  };
  // No timers unless webhooks are asked for: tests call compliance.tick() themselves.
  const webhooks =
    options.webhooks && createWebhooks(deps.meta, deps.log, { telemetry: deps.telemetry, ...options.webhooks });
  const notifications =
    options.email && createEmailNotifier(deps.meta, deps.log, { telemetry: deps.telemetry, ...options.email });
  deps.emailEnabled = notifications !== undefined;
  const compliance = createComplianceEngine({
    ...deps,
    webhooks,
    notifications,
    timeZoneOf: deps.meta.timeZoneOf,
  });
  webhooks?.start();
  notifications?.start();
  deps.compliance = compliance;
  const app = createApp(deps);
  return {
    ...deps,
    app,
    compliance,
    dir,
    clock,
    device: (id, site = 'mobile-plant') => addDevice(deps.meta, clock, { id, site }).at(-1)!,
    async signIn(name, role = 'operator', sites = []) {
      const password = `${name}-password-for-tests`;
      await addUser(deps.meta, clock, { name, role, sites, allSites: sites.length === 0, password });
      const res = await app.request('/api/v1/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ user: name, password }),
      });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      const cookie = res.headers.get('set-cookie') ?? '';
      return cookie.split(';')[0];
    },
    notifications,
    async close() {
      await compliance.stop();
      await notifications?.stop();
      deps.live.close();
      await deps.store.close();
      deps.meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
