/** The proxy mounted in real Vite dev and preview servers (the wiring in vite.config.ts uses this plugin). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, preview } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { corsProxyPlugin } from './vitePlugin.ts';

const REFS = '/o/r.git/info/refs?service=git-upload-pack';
const root = mkdtempSync(join(tmpdir(), 'proxy-vite-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function check(base: string): Promise<void> {
  const refused = await fetch(`${base}/cors/example.org${REFS}`, { headers: { origin: 'http://localhost:3000' } });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ error: 'origin-not-allowed' });
  // Vite's own CORS middleware would allow any localhost origin; under /cors only the proxy's policy applies.
  expect(refused.headers.get('access-control-allow-origin')).toBeNull();

  const notAllowed = await fetch(`${base}/cors/example.org${REFS}`);
  expect(await notAllowed.json()).toMatchObject({ error: 'host-not-allowed' });
  const html = await fetch(`${base}/`);
  expect(await html.text()).toContain('<title>app</title>');
}

describe('corsProxyPlugin', () => {
  it('answers under /cors in the dev server and leaves the rest to Vite', async () => {
    const server = await createServer({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [corsProxyPlugin()],
      server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await server.listen();
    try {
      const { port } = server.httpServer?.address() as AddressInfo;
      await check(`http://127.0.0.1:${port}`);
    } finally {
      await server.close();
    }
  });

  it('answers under /cors in the preview server', async () => {
    const server = await preview({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [corsProxyPlugin()],
      build: { outDir: root },
      preview: { port: 0, host: '127.0.0.1' },
    });
    try {
      const { port } = server.httpServer.address() as AddressInfo;
      await check(`http://127.0.0.1:${port}`);
    } finally {
      await server.close();
    }
  });
});
