import { defineConfig } from 'vitest/config';

// One run for every tier (unit, service, e2e, browser). Contract suites (*.contract.ts) are
// collected only through the implementations that call them (docs/design.md C6).
export default defineConfig({
  test: {
    include: ['{shared,edge,server,dashboard,firmware-config,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2 cores: e2e and browser tests start several processes; keep concurrency modest.
    maxWorkers: 2,
  },
});
