/**
 * @module wire/notifications
 * `GET/PUT /api/v1/me/notifications`: a user's e-mail settings (notifications.ts is the input)
 * and how their e-mails fare in the outbox.
 */
import { z } from 'zod';
import { NotifyLang } from '../notifications.ts';

export const NotificationSettingsAnswer = z.object({
  email: z.string().nullable(),
  lang: NotifyLang,
  breach_opened: z.boolean(),
  alarm_opened: z.boolean(),
  device_silent: z.boolean(),
  /** Null until the user saved them once (the defaults are shown). */
  updated_at: z.number().nullable(),
  /** Whether the server has an SMTP server configured (VIGIA_SMTP_URL). */
  email_enabled: z.boolean(),
  delivery: z.object({ pending: z.number(), gave_up: z.number(), last_error: z.string().nullable() }),
});
export type NotificationSettingsAnswer = z.infer<typeof NotificationSettingsAnswer>;
