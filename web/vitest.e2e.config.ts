import { defineConfig } from 'vitest/config';

// The browser end-to-end scenario (web/e2e): starts its own stack with scripts/dev.sh and drives
// Debian's Chromium with playwright-core. Run by scripts/test-e2e.sh (make test-e2e) after `make web`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    // Starting the stack compiles the parley binary on a cold cache.
    hookTimeout: 480_000,
  },
});
