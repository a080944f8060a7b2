/** Mounts the CORS proxy in Vite's dev and preview servers, configured from the environment (see config.ts). */
import type { Plugin } from 'vite';
import { proxyOptionsFromEnv, type ProxyOptions } from './config.ts';
import { createProxyMiddleware } from './middleware.ts';

export function corsProxyPlugin(overrides: Partial<ProxyOptions> = {}): Plugin {
  const middleware = (): ReturnType<typeof createProxyMiddleware> =>
    createProxyMiddleware(proxyOptionsFromEnv(process.env, overrides));
  return {
    name: 'code2lora-cors-proxy',
    // Mounted directly (not as a post hook) so it answers before Vite's SPA fallback would serve index.html.
    configureServer(server) {
      server.middlewares.use(middleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware());
    },
  };
}
