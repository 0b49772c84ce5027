import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Runs the protocol, app and browser-only tests in Debian's Chromium (apt-get install chromium),
// never a downloaded browser: `npm run test:browser`. CHROMIUM overrides the executable path.
// Node-only files stay out: anvil (test/app/registry, test/features/{tips,link}) and node:crypto
// (test/app/conversations); scripts/test-web.sh runs them in the Node suite.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { fs: { allow: ['..'] } },
  test: {
    include: ['test/protocol/**/*.test.ts', 'test/app/{wallets,siwe,chain,api,relay,sessionstate}.test.ts', 'test/generated.test.ts', 'test/features/{qr,backup,room}.test.ts', 'test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
