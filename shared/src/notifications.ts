/**
 * @module notifications
 * `PUT /api/v1/me/notifications`: which events a user wants by e-mail, where and in which
 * language (docs/api.md). The server validates with it; the dashboard's settings page checks
 * the address with it before sending, so both say the same thing.
 */
import { z } from 'zod';

export const NotifyLang = z.enum(['es', 'en']);

/** An address a person would type: one @, no spaces or angle brackets, a dot in the domain. */
export const EmailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/, 'is not an e-mail address (e.g. ana@example.org)');

export const NotificationSettingsInput = z
  .object({
    email: EmailAddress.nullable(),
    lang: NotifyLang,
    breach_opened: z.boolean(),
    alarm_opened: z.boolean(),
    device_silent: z.boolean(),
  })
  .strict()
  .refine((s) => s.email !== null || !(s.breach_opened || s.alarm_opened || s.device_silent), {
    message: 'give an e-mail address to receive notifications',
    path: ['email'],
  });
export type NotificationSettingsInput = z.infer<typeof NotificationSettingsInput>;
