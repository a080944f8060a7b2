import { preview, type PreviewServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The build to serve: dist/ unless CODE2LORA_E2E_DIST names another one (a private build while others use dist/). */
const DIST = process.env.CODE2LORA_E2E_DIST ?? join(ROOT, 'dist');

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the production build (dist/, made once by the test command before the e2e run) with `vite preview`,
 * which mounts the same CORS-proxy middleware as the dev server. The proxy's loopback switch is on so that the
 * fixture git server on 127.0.0.1 is reachable; nothing else about the proxy changes.
 */
export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST} is missing: run \`npx vite build\` before the e2e tests`);
  }
  // The proxy middleware reads its settings from the environment when the server starts.
  Object.assign(process.env, { CODE2LORA_PROXY_ALLOW_LOOPBACK: '1' }, env);
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    build: { outDir: DIST },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return {
    url: url.replace(/\/$/, ''),
    close: () => server.close(),
  };
}
