#!/usr/bin/env node
// `npm start`: the demo. Installs and builds what is missing, then runs server, edge agent
// and plant simulator together (scripts/demo.ts) until Ctrl-C.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard, buildEdge, ensurePnpm, installPackages, ROOT } from './bootstrap.mjs';

const pnpmCmd = ensurePnpm();
if (!existsSync(join(ROOT, 'node_modules', '.modules.yaml')) || process.env.VIGIA_REINSTALL) installPackages(pnpmCmd);
buildDashboard(pnpmCmd, { onlyIfStale: true });
buildEdge(pnpmCmd, { onlyIfStale: true });

const { register } = await import('tsx/esm/api');
register();
await import('./demo.ts');
