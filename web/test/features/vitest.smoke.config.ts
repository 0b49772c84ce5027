import { defineConfig } from 'vitest/config';

// The feature screens in Debian's Chromium against a running stack (make dev, and a vite dev server
// for the current sources): PARLEY_WEB_URL=http://127.0.0.1:5174 PARLEY_RPC_URL=http://127.0.0.1:8545 \
//   npx vitest run --config test/features/vitest.smoke.config.ts
export default defineConfig({
  test: {
    include: ['test/features/**/*.smoke.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
