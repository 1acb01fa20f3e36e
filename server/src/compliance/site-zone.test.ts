// A site's time zone decides a daily rule's days: `timeZoneOf` gives a run its zone and
// `siteZoneChanged` rebuilds the site's daily runs with the new one and replays them from their
// start (real SQLite store and meta.db). An instant rule of the site is left alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createLiveHub } from '../live/hub.ts';
import { openMeta } from '../meta/meta.ts';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import { createComplianceEngine } from './engine.ts';

const H = 3_600_000;
const MIDNIGHT_UTC = Date.UTC(2025, 10, 24);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('re-judges a daily rule in the new zone, from its start, when the site zone changes', async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-site-zone-'));
  const store = openSqliteStore(join(dir, 'readings.db'));
  const meta = openMeta(join(dir, 'meta.db'));
  meta.addDevice('dev', 'site', 'token-hash', MIDNIGHT_UTC);
  meta.claimSensors('dev', [{ id: 'tss', path: 'tss' }], MIDNIGHT_UTC);
  const zones = new Map([['site', 'UTC']]);
  const engine = createComplianceEngine({
    store,
    meta,
    live: createLiveHub(),
    clock: { now: () => MIDNIGHT_UTC + 72 * H },
    log: pino({ level: 'silent' }),
    timeZoneOf: (site) => zones.get(site) ?? 'America/Bogota',
  });
  // 21:00–23:00 UTC at 100, then 01:00–03:00 UTC the next day at 20. In UTC: day 1 mean 100 (a
  // breach), day 2 mean 20. In Bogotá (UTC−5) all of it falls on one day: mean 60, no breach.
  const rs = [-3, -2, -1, 1, 2, 3].map((h) => ({
    sensor: 'tss',
    ts: MIDNIGHT_UTC + h * H,
    value: h < 0 ? 100 : 20,
    q: 'good' as const,
  }));
  await store.write(rs);
  const rule = { id: 'tss', sensor: 'tss', kind: 'max' as const, max: 70, averaging: 'daily_mean' };
  engine.putPermit(
    { id: 'p', title: 'p', site: 'site', rules: [{ ...rule, severity: 'breach' as const }] },
    'test',
    MIDNIGHT_UTC,
  );
  await engine.idle();
  engine.tick();
  const list = () => meta.listBreaches({ from: 0, to: Number.MAX_SAFE_INTEGER, sites: [] });
  expect(list().map((b) => [b.start, b.peak, b.withdrawn_at === null])).toEqual([[MIDNIGHT_UTC - 24 * H, 100, true]]);
  zones.set('site', 'America/Bogota');
  engine.siteZoneChanged('site');
  await engine.idle();
  engine.tick();
  const [b, ...rest] = list();
  expect(rest).toEqual([]);
  expect(b).toMatchObject({ withdrawn_reason: 'zone_changed', withdrawn_detail: { time_zone: 'America/Bogota' } });
  expect(meta.breachHistory(b.id).map((r) => [r.change, r.reason])).toEqual([
    ['opened', 'permit_changed'], // the permit's history evaluated: day 2's readings complete day 1
    ['closed', 'day_ended'], // day 2 (mean 20) judged by the clock
    ['withdrawn', 'zone_changed'],
  ]);
  await engine.stop();
  meta.close();
  await store.close();
});
