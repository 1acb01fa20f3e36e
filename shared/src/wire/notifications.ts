/**
 * @module wire/notifications
 * `GET/PUT /api/v1/me/notifications`: a user's e-mail settings (notifications.ts is the input)
 * and how their e-mails fare in the outbox.
 */
import { z } from 'zod';
import { NotificationSettingsInput } from '../notifications.ts';

/** The settings as saved (the input's fields; the stored address is read back as given), then their state. */
export const NotificationSettingsAnswer = z.object(NotificationSettingsInput.shape).extend({
  email: z.string().nullable(),
  /** Null until the user saved them once (the defaults are shown). */
  updated_at: z.number().nullable(),
  /** Whether the server has an SMTP server configured (VIGIA_SMTP_URL). */
  email_enabled: z.boolean(),
  delivery: z.object({ pending: z.number(), gave_up: z.number(), last_error: z.string().nullable() }),
});
export type NotificationSettingsAnswer = z.infer<typeof NotificationSettingsAnswer>;
