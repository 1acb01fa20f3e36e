/**
 * @module app
 * `createApp(deps)`: the whole HTTP surface as a Hono app. Never reads the environment,
 * never opens a port (main.ts does). Every /api/v1 route except login and ingest sits
 * behind `requireRole` (proved by app.test.ts, which walks `app.routes`).
 */
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { createRequireRole } from './auth/session.ts';
import { type ComplianceEngine, createComplianceEngine } from './compliance/engine.ts';
import type { AppDeps } from './deps.ts';
import { errorHandler, notFoundBody } from './http/on-error.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createIngestService } from './ingest/service.ts';
import { reportsRoutes } from './reports/route.ts';
import { createHeavySlots } from './reports/slots.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { breachesRoutes, rulesRoutes } from './routes/breaches.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { devicesRoutes } from './routes/devices.ts';
import { healthRoutes } from './routes/health.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { liveRoutes } from './routes/live.ts';
import { meNotificationsRoutes } from './routes/notifications.ts';
import { permitsRoutes } from './routes/permits.ts';
import { readingsRoutes } from './routes/readings.ts';
import { sensorsRoutes } from './routes/sensors.ts';
import { seriesRoutes } from './routes/series.ts';
import { sitesRoutes } from './routes/sites.ts';
import { templatesRoutes } from './routes/templates.ts';
import { mePasswordRoutes, usersRoutes } from './routes/users.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';

export type VigiaApp = Hono & { telemetry: Telemetry; compliance: ComplianceEngine };

export function createApp(deps: AppDeps): VigiaApp {
  const telemetry = deps.telemetry ?? createTelemetry(deps.log);
  const requireRole = createRequireRole(deps);
  const compliance =
    deps.compliance ?? createComplianceEngine({ ...deps, telemetry, timeZoneOf: deps.meta.timeZoneOf });
  const app = new Hono();

  app.use(async function timeRequest(c, next) {
    const end = telemetry.httpDuration.startTimer();
    await next();
    // After next(), routeIndex points at the handler that answered: a bounded label.
    end({ method: c.req.method, route: routePath(c), status: String(c.res.status) });
  });

  app.use(securityHeaders());
  app.route('/', healthRoutes(telemetry, deps.store, deps));
  app.route('/api/v1/ingest', ingestRoutes(createIngestService({ ...deps, telemetry, compliance })));
  app.route('/api/v1', authRoutes(deps, requireRole));
  app.route('/api/v1/series', seriesRoutes(deps, requireRole));
  app.route('/api/v1/sensors', sensorsRoutes(deps, requireRole));
  app.route('/api/v1/readings', readingsRoutes(deps, requireRole));
  app.route('/api/v1/devices', devicesRoutes(deps, requireRole));
  app.route(
    '/api/v1/sites',
    sitesRoutes(deps, requireRole, (site) => compliance.siteZoneChanged(site)),
  );
  app.route('/api/v1/live', liveRoutes(deps, requireRole));
  app.route('/api/v1/audit', auditRoutes(deps, requireRole));
  const heavySlots = createHeavySlots();
  app.route('/api/v1/reports', reportsRoutes({ ...deps, compliance }, requireRole, heavySlots));
  app.route('/api/v1/permits', permitsRoutes(deps, compliance, requireRole, heavySlots));
  app.route('/api/v1/templates', templatesRoutes(requireRole));
  app.route('/api/v1/users', usersRoutes(deps, requireRole));
  app.route('/api/v1/me/notifications', meNotificationsRoutes(deps, requireRole));
  app.route('/api/v1/me', mePasswordRoutes(deps, requireRole));
  app.route('/api/v1/breaches', breachesRoutes(deps, compliance, requireRole));
  app.route('/api/v1/rules', rulesRoutes(deps, compliance, requireRole));
  app.all('/api/*', (c) => c.json(notFoundBody(c.req.path), 404));
  app.route('/', dashboardRoutes(deps.dashboardDir));

  app.notFound((c) =>
    c.req.path === '/api' || c.req.path.startsWith('/api/')
      ? c.json(notFoundBody(c.req.path), 404)
      : c.text('Not found', 404),
  );
  app.onError(errorHandler(telemetry));
  return Object.assign(app, { telemetry, compliance });
}
