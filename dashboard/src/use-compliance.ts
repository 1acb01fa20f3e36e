/**
 * @module use-compliance — the permits, the state of every rule and the recent breaches, for
 * the live page. Rule states come from `GET /api/v1/rules/status` (polled: pending and
 * clearing have no live event) with live `breach` events applied at once and a refetch soon
 * after. A server without the compliance routes yet (404) just shows no limits.
 */
import type { RuleStatusState } from '@vigia/shared';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, breaches as fetchBreaches, permits as fetchPermits, rulesStatus, serverNow } from './api.ts';
import {
  applyBreach,
  applyBreachEvent,
  type BreachRow,
  type PermitInfo,
  type RuleRef,
  ruleKey,
  rulesBySensor,
} from './compliance.ts';
import type { Live } from './live.ts';

const STATUS_EVERY_MS = 10_000;
const AFTER_EVENT_MS = 500;
const PERMITS_EVERY_MS = 5 * 60_000;
/** Breaches this far back are fetched for the chart's shading (the chart shows the last hour). */
const RECENT_MS = 3_600_000;

export type Compliance = {
  permits: PermitInfo[];
  rules: Map<string, RuleRef[]>;
  statuses: ReadonlyMap<string, RuleStatusState>;
  /** Recent and live breaches by id. */
  breaches: ReadonlyMap<string, BreachRow>;
  /** When the rule states were last fetched successfully (browser clock), null before. */
  statusAt: number | null;
};

/**
 * A failed poll keeps what is shown (no signal is normal on site). An answer of the wrong shape
 * is not: it goes to the console with the field at fault, for whoever opens the developer tools.
 */
function noteMisfit(err: unknown): void {
  if (err instanceof ApiError && err.code === 'bad_answer') console.error(`Vigía: ${err.message}`);
}

export function useCompliance(live: Live): Compliance {
  const [permits, setPermits] = useState<PermitInfo[]>([]);
  const [statuses, setStatuses] = useState<ReadonlyMap<string, RuleStatusState>>(new Map());
  const [breaches, setBreaches] = useState<ReadonlyMap<string, BreachRow>>(new Map());
  const [statusAt, setStatusAt] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const loadStatus = useCallback(() => {
    rulesStatus()
      .then((rows) => {
        setStatuses(new Map(rows.map((r) => [ruleKey(r.permit, r.rule), r.state])));
        setStatusAt(Date.now());
      })
      // No signal: keep the last known states; the page says how old they are (`statusAt`).
      .catch(noteMisfit);
  }, []);

  useEffect(() => {
    const loadPermits = () => fetchPermits().then(setPermits).catch(noteMisfit);
    loadPermits();
    loadStatus();
    const now = serverNow();
    fetchBreaches(now - RECENT_MS, now + 60_000)
      // Withdrawn breaches are records, not breaches: the live view never shades them.
      .then((rows) =>
        setBreaches(
          (prev) => new Map([...rows.filter((b) => b.state !== 'withdrawn').map((b) => [b.id, b] as const), ...prev]),
        ),
      )
      .catch(noteMisfit);
    const status = setInterval(loadStatus, STATUS_EVERY_MS);
    const permitsTimer = setInterval(loadPermits, PERMITS_EVERY_MS);
    return () => {
      clearInterval(status);
      clearInterval(permitsTimer);
    };
  }, [loadStatus]);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.kind === 'state' && event.state === 'open') loadStatus();
        if (event.kind !== 'breach') return;
        const b = event.breach;
        setStatuses((prev) => applyBreach(prev, b));
        setBreaches((prev) => applyBreachEvent(prev, b));
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(loadStatus, AFTER_EVENT_MS);
      }),
    [live, loadStatus],
  );
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const rules = useMemo(() => rulesBySensor(permits), [permits]);
  return { permits, rules, statuses, breaches, statusAt };
}
