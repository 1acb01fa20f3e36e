/**
 * `npm run bench`: every benchmark in one run, one JSON line per figure
 * `{ name, value, unit, ratio?, note? }`. Ratios compare side by side within the same run,
 * because this machine is shared and noisy. `npm run bench -- <name>` runs one benchmark
 * (`peer` runs only when named: test/bench/README.md).
 */

import { benchRules } from '../../shared/src/rules/evaluate.bench.ts';
import { chartBench } from './chart.bench.ts';
import { complianceBench } from './compliance.bench.ts';
import { edgeBench } from './edge.bench.ts';
import type { Bench, Figure } from './figure.ts';
import { liveBench } from './live.bench.ts';
import { peerBench } from './peer.bench.ts';
import { pipelineBench } from './pipeline.bench.ts';
import { releaseBench } from './release.bench.ts';
import { reportBench } from './report.bench.ts';
import { seriesBench } from './series.bench.ts';
import { storageBench } from './storage.bench.ts';

const BENCHES: Bench[] = [
  { name: 'rules', run: benchRules },
  pipelineBench,
  seriesBench,
  liveBench,
  storageBench,
  edgeBench,
  complianceBench,
  releaseBench,
  reportBench,
  chartBench,
  peerBench,
];

const only = process.argv.slice(2);
let failed = 0;
for (const bench of BENCHES) {
  if (only.length && !only.includes(bench.name)) continue;
  // The peer bench installs Node-RED outside the repository and takes minutes: only when named.
  if (!only.length && bench.name === 'peer') continue;
  try {
    await bench.run((f: Figure) => console.log(JSON.stringify(f)));
  } catch (err) {
    failed++;
    console.error(`bench ${bench.name} failed: ${(err as Error).stack}`);
  }
}
process.exit(failed ? 1 : 0);
