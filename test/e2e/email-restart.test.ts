// E-mail notifications across failures of both ends, all real processes: vigia-server (embedded
// store) and an SMTP server (Python smtpd sink). A breach opens while the SMTP server is down;
// vigia-server retries, is restarted in between (SIGTERM), and delivers once the SMTP server is
// back; a further restart and a re-sent batch never send it again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../services/smtp-sink.ts';
import { waitFor } from '../services/util.ts';
import { ApiClient, postIngest } from '../support/client.ts';
import { type ServerProcess, serverProcess } from '../support/server.ts';

let sink: SmtpSink | undefined;
let server: ServerProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = sink = dir = undefined;
});

describe('e-mail outbox across restarts (real vigia-server and SMTP server)', () => {
  it('delivers a breach e-mail queued while the SMTP server was down exactly once, through a restart', async () => {
    sink = await startSmtpSink();
    await sink.stop();
    dir = mkdtempSync(join(tmpdir(), 'vigia-email-restart-'));
    server = await serverProcess(dir, {
      VIGIA_HOST: '127.0.0.1',
      VIGIA_LOG_LEVEL: 'info',
      // The sink offers no AUTH, so nodemailer sends without logging in: the password only
      // has to stay out of every log line.
      VIGIA_SMTP_URL: sink.url.replace('smtp://', 'smtp://vigia:s3cret-smtp-pass@'),
      VIGIA_SMTP_FROM: 'vigia@example.org',
      VIGIA_PUBLIC_URL: 'https://vigia.example.org/',
    });
    const token = await server.addDevice('plant-01', 'mobile-plant');
    await server.addUser({ user: 'ana', role: 'officer', password: 'a long password for ana' });
    await server.start();
    const ana = new ApiClient(server.url);
    await ana.login('ana', 'a long password for ana');
    const saved = await ana.put<{ email: string; email_enabled: boolean }>('/api/v1/me/notifications', {
      email: 'ana@example.org',
      lang: 'en',
      breach_opened: true,
      alarm_opened: true,
      device_silent: false,
    });
    expect(saved).toMatchObject({ email: 'ana@example.org', email_enabled: true });

    const t0 = Date.now() - 10 * 60_000;
    const batch = (from: number, values: number[]) => ({
      device: 'plant-01',
      readings: values.map((value, i) => ({ sensor: 'plant.ph', ts: from + i * 1000, value })),
    });
    expect((await postIngest(server.url, token, batch(t0, [7, 7]))).status).toBe(200);
    const rule = { id: 'ph-max', sensor: 'plant.ph', kind: 'max', max: 9, averaging: 'instant', severity: 'breach' };
    await ana.put('/api/v1/permits', {
      permits: [{ id: 'vertimiento', title: 'Vertimientos', site: 'mobile-plant', rules: [rule] }],
    });
    const opening = batch(t0 + 10_000, [9.6, 9.9]);
    expect((await postIngest(server.url, token, opening)).status).toBe(200);

    // Refused by the (stopped) SMTP server: logged as a retry, nothing delivered.
    await waitFor(
      () => server!.log().includes('emailRetry'),
      15_000,
      () => `no e-mail retry logged:\n${server!.log()}`,
    );
    expect(server.log()).toMatch(/ECONNREFUSED/);
    const mine = await ana.get<{ delivery: { pending: number } }>('/api/v1/me/notifications');
    expect(mine.delivery.pending).toBe(1);
    await server.stop();

    await sink.start();
    await server.start();
    const [mail] = await sink.waitForMessages(1, 20_000);
    expect(mail).toMatchObject({
      rcpt_to: ['ana@example.org'],
      subject: '[Vigía] Breach opened: ph-max · plant.ph · mobile-plant',
    });
    expect(mail!.text).toMatch(/Open in Vigía: https:\/\/vigia\.example\.org\/#\/breaches\?breach=\d+/);

    // Restart again and re-send the opening batch (an edge that missed the ack): no second e-mail.
    await server.stop();
    await server.start();
    expect((await postIngest(server.url, token, opening)).status).toBe(200);
    expect((await postIngest(server.url, token, batch(t0 + 12_000, [9.7]))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3000));
    expect(sink.messages()).toHaveLength(1);
    expect(server.log()).not.toMatch(/emailGaveUp/);
    expect(server.log()).toContain(`"smtp":"smtp://127.0.0.1:${sink.port}"`);
    expect(server.log()).not.toContain('s3cret-smtp-pass');
  });
});
