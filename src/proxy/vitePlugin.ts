/** Mounts the CORS proxy in Vite's dev and preview servers, configured from the environment (see config.ts). */
import type { Plugin } from 'vite';
import { proxyOptionsFromEnv, type ProxyOptions } from './config.ts';
import { createProxyMiddleware } from './middleware.ts';

export function corsProxyPlugin(overrides: Partial<ProxyOptions> = {}): Plugin {
  const middleware = (): ReturnType<typeof createProxyMiddleware> =>
    createProxyMiddleware(proxyOptionsFromEnv(process.env, overrides));
  return {
    name: 'code2lora-cors-proxy',
    // Mounted directly (not as a post hook) so it answers before Vite's SPA fallback would serve index.html. Vite's
    // host check runs first (good: it stops DNS-rebinding pages), and so does Vite's CORS middleware, which also
    // answers every preflight itself: the app is same-origin with these servers, so it needs none; a separate
    // origin (CODE2LORA_PROXY_ORIGINS) is for the standalone command.
    configureServer(server) {
      server.middlewares.use(middleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware());
    },
  };
}
