import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { corsProxyPlugin } from './src/proxy/vitePlugin.ts';
import { VitePWA } from 'vite-plugin-pwa';
import { offlinePwaOptions } from './src/ui/sw/pwa-options.ts';
import { precompressPlugin, precompressedPreviewPlugin } from './src/serve/vitePlugin.ts';
import { CROSS_ORIGIN_ISOLATION } from './src/serve/isolation.ts';

export default defineConfig({
  plugins: [react(), corsProxyPlugin(), precompressedPreviewPlugin(), VitePWA(offlinePwaOptions), precompressPlugin()],
  // Threads for onnxruntime-web's WASM kernels (src/serve/isolation.ts), in development and in the preview server.
  server: { headers: { ...CROSS_ORIGIN_ISOLATION } },
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web', 'web-tree-sitter'] },
  build: {
    rolldownOptions: {
      // Timing reports name plugins that were slow on a loaded machine; they are not about the app.
      checks: { bundlerTimings: false },
      output: {
        // The editor and React in chunks of their own, so no chunk passes the 500 kB warning and a change to the
        // app does not invalidate the libraries in the service worker's cache.
        codeSplitting: {
          groups: [
            { name: 'codemirror', test: /node_modules[\\/](@codemirror|@lezer|@uiw|crelt|style-mod|w3c-keyname)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
      onLog(level, log, handler) {
        // web-tree-sitter's Emscripten loader evaluates its own generated glue with direct eval; we ship that file
        // as published, so the warning about it is expected and says nothing about our code.
        if (log.code === 'EVAL' && log.id?.includes('web-tree-sitter')) return;
        handler(level, log);
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'models/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
