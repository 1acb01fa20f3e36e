/**
 * @module routes/notifications
 * `GET /api/v1/me/notifications` and `PUT /api/v1/me/notifications`: the caller's own e-mail
 * notification settings (any signed-in role; writes same-origin only, like every write).
 * A user is mailed only about sites they may see (notifications/email.ts checks at queueing).
 * Every save is audit-logged (`notifications_changed`, which events; the address is not copied
 * into the log, only whether it changed). GET also says whether this server sends e-mail at all
 * and how the user's queued e-mails fare, so a failing SMTP server is visible to them.
 */
import { NotificationSettingsInput } from '@vigia/shared';
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';
import { NOTIFY_EVENTS } from '../meta/notifications.ts';

export function meNotificationsRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  const answer = (user: string) => ({
    ...deps.meta.notificationSettings(user),
    email_enabled: deps.emailEnabled ?? false,
    delivery: deps.meta.emailBacklogOf(user),
  });
  return new Hono<{ Variables: SessionVars }>()
    .use(requireRole(...ROLES))
    .get('/', (c) => c.json(answer(c.var.user.user)))
    .put('/', async (c) => {
      const input = parseInput(NotificationSettingsInput, await readJsonBody(c.req.raw), 'invalid_body', 422);
      const user = c.var.user.user;
      const before = deps.meta.notificationSettings(user);
      const now = deps.clock.now();
      deps.meta.saveNotificationSettings(user, input, now);
      deps.meta.audit(
        user,
        'notifications_changed',
        {
          events: NOTIFY_EVENTS.filter((e) => input[e]),
          lang: input.lang,
          email_changed: before.email !== input.email,
        },
        now,
      );
      return c.json(answer(user));
    });
}
