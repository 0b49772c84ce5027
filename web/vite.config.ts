import type { IncomingMessage } from 'node:http';
import { defineConfig } from 'vitest/config';

// The API the dev server proxies to (`make dev` serves it on :8080).
const api = process.env.PARLEY_API_URL ?? 'http://127.0.0.1:8080';

/**
 * Browsers cannot set headers on a WebSocket, so the app passes its access token as the
 * access_token query parameter of /v1/ws; the dev proxy moves it into the Authorization header
 * the relay reads, and presents the API's own origin (the relay and the API check Origin).
 */
function toAuthorization(proxyReq: { setHeader(name: string, value: string): void; path: string }, req: IncomingMessage): void {
  proxyReq.setHeader('origin', api);
  const url = new URL(req.url ?? '/', api);
  const token = url.searchParams.get('access_token');
  if (!token) return;
  url.searchParams.delete('access_token');
  proxyReq.setHeader('authorization', `Bearer ${token}`);
  proxyReq.path = url.pathname + url.search;
}

// One config for the app build (web/dist, embedded into the parley binary) and the unit tests. The
// dev server's pages sign in for the API's origin (the SIWE domain the API checks), not their own.
export default defineConfig(({ command }) => ({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', target: 'es2022', sourcemap: true },
  define: { 'import.meta.env.VITE_PARLEY_PUBLIC_URL': JSON.stringify(command === 'serve' ? api : '') },
  server: {
    proxy: {
      '/v1': {
        target: api,
        ws: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq) => proxyReq.setHeader('origin', api));
          proxy.on('proxyReqWs', toAuthorization);
        },
      },
      '/ipfs': api,
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    environment: 'node',
    testTimeout: 30_000,
  },
}));
