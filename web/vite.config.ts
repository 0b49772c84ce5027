import { defineConfig } from 'vitest/config';

// One config for the app build (web/dist, embedded into the parley binary) and the unit tests.
export default defineConfig({
  build: { outDir: 'dist', target: 'es2022', sourcemap: true },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
