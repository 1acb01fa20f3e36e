#!/usr/bin/env node
// `npm run bench`: the benchmark harness (test/bench/run.ts), after the same bootstrap as npm start.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePnpm, installPackages, ROOT } from './bootstrap.mjs';

const pnpmCmd = ensurePnpm();
if (!existsSync(join(ROOT, 'node_modules', '.modules.yaml'))) installPackages(pnpmCmd);
const { register } = await import('tsx/esm/api');
register();
await import('../test/bench/run.ts');
