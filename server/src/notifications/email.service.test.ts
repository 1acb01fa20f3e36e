// E-mail notifications against a real SMTP server process (Python's smtpd, test/services/smtp-sink.ts):
// who gets a breach's e-mail (opted in, may see the site), in which language, with which words and
// link; the sink down then back: the outbox retries and delivers once; the settings routes.

import { NotificationSettingsAnswer } from '@vigia/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../../test/services/smtp-sink.ts';
import { postBatch } from '../../test-support/ingest.ts';
import { capturedLog } from '../../test-support/log.ts';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, ORIGIN, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';
import { createEmailNotifier } from './email.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies read loosely in assertions
type Json = any;

let t: TestApp | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await t?.close();
  await sink?.close();
  t = undefined;
  sink = undefined;
});

const PUBLIC_URL = 'https://vigia.example.org';

async function setup() {
  sink = await startSmtpSink();
  t = await makeTestApp({
    email: {
      smtpUrl: sink.url,
      from: 'Vigía <vigia@example.org>',
      publicUrl: PUBLIC_URL,
      baseDelayMs: 100,
      maxDelayMs: 400,
      timeoutMs: 2000,
    },
  });
  return t;
}

const settings = (app: TestApp, cookie: string, body: object, origin = ORIGIN) =>
  app.app.request('/api/v1/me/notifications', {
    method: 'PUT',
    headers: { cookie, origin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const all = { breach_opened: true, alarm_opened: true, device_silent: true };

/** An officer's permit with a pH maximum of 9 on mobile-plant, and a breach of it at T0 (peak 9.8). */
async function openPhBreach(app: TestApp, officer: string, severity = 'breach') {
  const token = app.device('plant-01');
  const reading = (ts: number, value: number) => ({ sensor: 'plant.ph', ts, value });
  expect((await postBatch(app, token, { device: 'plant-01', readings: [reading(T0 - 1000, 7)] })).status).toBe(200);
  const rule = { id: 'ph-max', sensor: 'plant.ph', kind: 'max', max: 9, averaging: 'instant', severity };
  expect((await putPermits(app, officer, [permitOf([rule])])).status).toBe(200);
  await app.compliance.idle();
  const batch = { device: 'plant-01', readings: [reading(T0, 9.8), reading(T0 + 1000, 9.5)] };
  expect((await postBatch(app, token, batch)).status).toBe(200);
  const breaches = app.meta.listBreaches({ from: 0, to: Number.MAX_SAFE_INTEGER, sites: [] });
  expect(breaches).toHaveLength(1);
  return breaches[0]!;
}

describe('e-mail notifications (real SMTP sink)', () => {
  it('mails an opened breach to each opted-in user who may see the site, in their language, with the link', async () => {
    const app = await setup();
    const ana = await app.signIn('ana', 'officer', ['mobile-plant']);
    const bob = await app.signIn('bob', 'admin');
    const carla = await app.signIn('carla', 'officer', ['otro-sitio']);
    await app.signIn('dan', 'officer');
    expect((await settings(app, ana, { email: 'ana@example.org', lang: 'es', ...all })).status).toBe(200);
    const onlyAlarms = { breach_opened: false, alarm_opened: true, device_silent: false };
    expect((await settings(app, bob, { email: 'bob@example.org', lang: 'en', ...all })).status).toBe(200);
    // Carla wants everything but may not see mobile-plant; Dan never opted in.
    expect((await settings(app, carla, { email: 'carla@example.org', lang: 'es', ...all })).status).toBe(200);
    const breach = await openPhBreach(app, bob);

    const got = await sink!.waitForMessages(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink!.messages()).toHaveLength(2);
    const to = (addr: string) => got.find((m) => m.rcpt_to.includes(addr))!;
    const es = to('ana@example.org');
    expect(es.rcpt_to).toEqual(['ana@example.org']);
    expect(es.from).toBe('Vigía <vigia@example.org>');
    expect(es.subject).toBe('[Vigía] Incumplimiento abierto: ph-max · plant.ph · mobile-plant');
    expect(es.text).toContain('Valor máximo: 9,8');
    expect(es.text).toContain('Límite: 9');
    // T0 is 16:00 UTC: 11:00 in Bogotá, the site's zone.
    expect(es.text).toContain('Desde: 2025-11-24 11:00 (UTC-05:00, America/Bogota)');
    expect(es.text).toContain(`Ver en Vigía: ${PUBLIC_URL}/#/breaches?breach=${breach.id}`);
    expect(es.auto_submitted).toBe('auto-generated');
    const en = to('bob@example.org');
    expect(en.subject).toBe('[Vigía] Breach opened: ph-max · plant.ph · mobile-plant');
    expect(en.text).toContain('Peak value: 9.8');
    expect(en.text).toContain('Since: 2025-11-24 11:00 (UTC-05:00, America/Bogota)');
    expect(en.text).toContain(`Open in Vigía: ${PUBLIC_URL}/#/breaches?breach=${breach.id}`);
    expect(got.some((m) => m.rcpt_to.includes('carla@example.org'))).toBe(false);

    // Bob changes to alarms only: GET answers what was saved, and nothing waits in the outbox.
    expect((await settings(app, bob, { email: 'bob@example.org', lang: 'en', ...onlyAlarms })).status).toBe(200);
    const after = wire(
      NotificationSettingsAnswer,
      await (await app.app.request('/api/v1/me/notifications', { headers: { cookie: bob } })).json(),
    );
    expect(after).toMatchObject({ ...onlyAlarms, email: 'bob@example.org', lang: 'en', email_enabled: true });
    expect(after.delivery).toEqual({ pending: 0, gave_up: 0, last_error: null });
  });

  it('mails an alarm rule as an alarm, and keeps retrying while the SMTP server is down until it is back', async () => {
    const app = await setup();
    const ana = await app.signIn('ana', 'officer', ['mobile-plant']);
    const onlyAlarms = { breach_opened: false, alarm_opened: true, device_silent: false };
    expect((await settings(app, ana, { email: 'ana@example.org', lang: 'es', ...onlyAlarms })).status).toBe(200);
    await sink!.stop();
    await openPhBreach(app, ana, 'alarm');
    // Refused connections are failed attempts: counted, visible to the user, the row kept.
    const failures = async () =>
      (await app.app.telemetry.registry.getSingleMetricAsString('vigia_errors_total')).match(
        /component="email",code="email_failed"} (\d+)/,
      )?.[1];
    const until = async (cond: () => Promise<boolean>) => {
      const end = Date.now() + 10_000;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(async () => Number(await failures()) >= 2);
    const mine = wire(
      NotificationSettingsAnswer,
      await (await app.app.request('/api/v1/me/notifications', { headers: { cookie: ana } })).json(),
    );
    expect(mine.delivery).toMatchObject({ pending: 1, gave_up: 0 });
    expect(mine.delivery.last_error).toMatch(/ECONNREFUSED/);
    expect(sink!.messages()).toEqual([]);

    await sink!.start();
    const [mail] = await sink!.waitForMessages(1);
    expect(mail!.subject).toBe('[Vigía] Alarma abierta: ph-max · plant.ph · mobile-plant');
    await until(async () => app.meta.emailBacklogOf('ana').pending === 0);
    await app.notifications!.flush();
    await new Promise((r) => setTimeout(r, 500));
    expect(sink!.messages()).toHaveLength(1);
  });

  it('validates settings, refuses a cross-origin write and audits a change without the address', async () => {
    const app = await setup();
    const op = await app.signIn('olga', 'operator', ['mobile-plant']);
    const first = wire(
      NotificationSettingsAnswer,
      await (await app.app.request('/api/v1/me/notifications', { headers: { cookie: op } })).json(),
    );
    expect(first).toMatchObject({ email: null, lang: 'es', breach_opened: false, updated_at: null });
    const noAddress = await settings(app, op, { email: null, lang: 'es', ...all });
    expect(noAddress.status).toBe(422);
    expect(((await noAddress.json()) as Json).error).toMatchObject({ path: 'email' });
    const bad = await settings(app, op, { email: 'not an address', lang: 'es', ...all });
    expect(bad.status).toBe(422);
    const lang = await settings(app, op, { email: 'olga@example.org', lang: 'fr', ...all });
    expect(lang.status).toBe(422);
    expect(
      (await settings(app, op, { email: 'olga@example.org', lang: 'es', ...all }, 'https://evil.example')).status,
    ).toBe(403);
    expect((await settings(app, op, { email: 'olga@example.org', lang: 'es', ...all })).status).toBe(200);
    const entries = app.meta
      .listAudit(0, Number.MAX_SAFE_INTEGER, 100)
      .filter((e) => e.action === 'notifications_changed');
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'olga',
        detail: { events: ['breach_opened', 'alarm_opened', 'device_silent'], lang: 'es', email_changed: true },
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain('olga@example.org');
    expect((await app.app.request('/api/v1/me/notifications')).status).toBe(401);
  });

  it('mails a device gone silent once per silence, however often it is checked', async () => {
    const app = await setup();
    const ana = await app.signIn('ana', 'officer', ['mobile-plant']);
    const onlySilence = { breach_opened: false, alarm_opened: false, device_silent: true };
    expect((await settings(app, ana, { email: 'ana@example.org', lang: 'es', ...onlySilence })).status).toBe(200);
    const token = app.device('plant-01');
    const readings = [0, 1, 2].map((i) => ({ sensor: 'plant.ph', ts: T0 + i * 60_000, value: 7 }));
    expect((await postBatch(app, token, { device: 'plant-01', readings })).status).toBe(200);
    const last = T0 + 120_000;
    app.notifications!.checkSilence(last + 60_000);
    await app.notifications!.flush();
    expect(sink!.messages()).toEqual([]);
    // Silent after max(5 min, 3 × 1 min): checked three times past that, one e-mail.
    for (const after of [6, 7, 30]) app.notifications!.checkSilence(last + after * 60_000);
    const [mail] = await sink!.waitForMessages(1);
    expect(mail!.subject).toBe('[Vigía] Equipo sin datos: plant-01 · mobile-plant');
    expect(mail!.text).toContain('Última lectura: 2025-11-24 11:02 (UTC-05:00, America/Bogota)');
    expect(mail!.text).toContain(`${PUBLIC_URL}/#/devices`);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink!.messages()).toHaveLength(1);
    // It speaks again and falls silent again: a new silence, a new e-mail.
    const again = [{ sensor: 'plant.ph', ts: last + 40 * 60_000, value: 7 }];
    expect((await postBatch(app, token, { device: 'plant-01', readings: again })).status).toBe(200);
    app.notifications!.checkSilence(last + 41 * 60_000);
    app.notifications!.checkSilence(last + 60 * 60_000);
    await sink!.waitForMessages(2);
  });

  it('never logs or stores the SMTP password when a send fails', async () => {
    const app = await setup();
    await sink!.stop();
    await app.signIn('ana', 'officer', ['mobile-plant']);
    app.meta.saveNotificationSettings(
      'ana',
      { email: 'ana@example.org', lang: 'es', breach_opened: false, alarm_opened: false, device_silent: true },
      T0,
    );
    const { log, text: logged } = capturedLog();
    const password = 's3cret-p%40ss';
    const notifier = createEmailNotifier(app.meta, log, {
      smtpUrl: `smtp://vigia:${password}@127.0.0.1:${sink!.port}`,
      from: 'vigia@example.org',
      publicUrl: PUBLIC_URL,
      baseDelayMs: 60_000,
    });
    notifier.deviceSilent({ device: 'plant-01', site: 'mobile-plant', lastTs: T0, silentAfterMs: 300_000 });
    await notifier.flush();
    await notifier.stop();
    expect(logged()).toContain('emailRetry');
    const backlog = app.meta.emailBacklogOf('ana');
    expect(backlog).toMatchObject({ pending: 1 });
    for (const text of [logged(), backlog.last_error ?? '']) {
      expect(text).not.toContain('s3cret');
    }
  });
});
