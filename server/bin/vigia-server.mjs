#!/usr/bin/env node
// The `vigia-server` command: TypeScript runs directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
