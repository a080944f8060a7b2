import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { corsProxyPlugin } from './src/proxy/vitePlugin.ts';
import { VitePWA } from 'vite-plugin-pwa';
import { offlinePwaOptions } from './src/ui/sw/pwa-options.ts';

export default defineConfig({
  plugins: [react(), corsProxyPlugin(), VitePWA(offlinePwaOptions)],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web', 'web-tree-sitter'] },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'models/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
