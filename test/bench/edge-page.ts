/**
 * The edge bench's `page` part (issue 12's budgets): the agent at 100 sensors × 1 Hz over MQTT,
 * forwarding to a real server, first with no page open, then with the page on the Pi loaded by
 * two clients that stay connected to its live stream (`GET /events`, one event a second each).
 * Each phase is measured after its own warm-up (`BENCH_EDGE_WARMUP_S`, default 60 s: "after the
 * first minute"), in the same agent process, side by side: RSS (max of `VmRSS` over the windows)
 * and CPU (median of the windows). Budgets: RSS < 80 MB with the page and two clients; CPU < 2 %
 * of a core with no page open. Figures only: a bench never fails the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPublisher } from '../e2e/support/publisher.ts';
import { buildPiPage } from '../support/dashboard-build.ts';
import { type StackOptions, startStack } from '../support/stack.ts';
import type { Emit } from './figure.ts';

export type PageBenchDeps = {
  edgeRun: StackOptions['edgeRun'];
  edgeEnv: Record<string, string>;
  warmUp: (pid: number) => Promise<number>;
  /** CPU windows (% of a core each); `eachSecond` runs once a second meanwhile. */
  cpuWindows: (pid: number, eachSecond?: () => void) => Promise<number[]>;
  rssMb: (pid: number) => number;
  median: (xs: readonly number[]) => number;
  warmupSeconds: number;
  unitRun: string;
  /** The agent's 100 MQTT sensors and how the publisher feeds them (edge.bench.ts's PER_READING). */
  workload: Pick<StackOptions, 'sensors'> & { topic: (seq: number) => string; ratePerS: number };
};

/** A phone with the page open: loads it like a browser, then keeps reading the live stream. */
async function openPage(api: string): Promise<{ events: () => number; close: () => void }> {
  const html = await (await fetch(`${api}/`)).text();
  for (const [, asset] of html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g))
    await (await fetch(`${api}/${asset}`)).arrayBuffer();
  const controller = new AbortController();
  const res = await fetch(`${api}/events`, { signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`GET /events answered ${res.status}`);
  let events = 0;
  const reader = res.body.getReader();
  void (async () => {
    const text = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      events += (text.decode(value).match(/\n\n/g) ?? []).length;
    }
  })();
  return { events: () => events, close: () => controller.abort() };
}

export async function pageFootprint(emit: Emit, deps: PageBenchDeps): Promise<void> {
  await buildPiPage();
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-page-'));
  const { sensors, topic, ratePerS } = deps.workload;
  const stack = await startStack({ dir, simulator: false, sensors, edgeRun: deps.edgeRun, edgeEnv: deps.edgeEnv });
  const publisher = startPublisher({ url: stack.brokerUrl, ...stack.mqttUser, topic, ratePerS });
  const pages: Awaited<ReturnType<typeof openPage>>[] = [];
  try {
    const pid = stack.edge.child.pid ?? 0;
    const phase = async () => {
      await deps.warmUp(pid);
      let rss = 0;
      const windows = await deps.cpuWindows(pid, () => {
        rss = Math.max(rss, deps.rssMb(pid));
      });
      return { rss, cpu: deps.median(windows), windows };
    };
    const none = await phase();
    pages.push(await openPage(stack.apiUrl), await openPage(stack.apiUrl));
    const events0 = pages.map((p) => p.events());
    const open = await phase();
    const events = pages.map((p, i) => p.events() - events0[i]);
    const how = `vigia-edge (bundle, ${deps.unitRun}) at ${ratePerS} sensors × 1 Hz over MQTT QoS 1, forwarding to vigia-server; each phase after ${deps.warmupSeconds} s of its own`;
    const w = (xs: number[]) => `[${xs.map((x) => x.toFixed(2)).join(', ')}]`;
    const withPage = `the page loaded by 2 clients that stay on GET /events (${events.join(' and ')} events received over the phase, warm-up included: one a second each)`;
    emit({
      name: 'edge.page_rss_max_no_page',
      value: Math.round(none.rss),
      unit: 'MB',
      ratio: none.rss / 80,
      note: `${how}; no page open; max VmRSS over the windows; ratio to 80 MB`,
    });
    emit({
      name: 'edge.page_rss_max_2_clients',
      value: Math.round(open.rss),
      unit: 'MB',
      ratio: open.rss / 80,
      note: `${how}; ${withPage}; ratio to the 80 MB budget (with page ÷ without: ${(open.rss / none.rss).toFixed(2)})`,
    });
    emit({
      name: 'edge.page_cpu_no_page',
      value: Number(none.cpu.toFixed(2)),
      unit: '% of a core',
      ratio: none.cpu / 2,
      note: `${how}; no page open; median of windows ${w(none.windows)}; ratio to the 2 % budget`,
    });
    emit({
      name: 'edge.page_cpu_2_clients',
      value: Number(open.cpu.toFixed(2)),
      unit: '% of a core',
      ratio: open.cpu / none.cpu,
      note: `${how}; ${withPage}; median of windows ${w(open.windows)}; ratio with page ÷ without`,
    });
  } finally {
    for (const p of pages) p.close();
    await publisher.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
