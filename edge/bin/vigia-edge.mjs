#!/usr/bin/env node
// vigia-edge --config edge.yaml — the edge agent. TypeScript runs directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
