import type { VitePWAOptions } from 'vite-plugin-pwa';

/** The onnxruntime-web .wasm (WebGPU/JSEP and WASM) is ~28 MB; Workbox's default cap is 2 MB. */
const MAX_PRECACHED_FILE_BYTES = 64 * 1024 * 1024;

/**
 * vite-plugin-pwa settings: our own service worker (src/ui/sw/service-worker.ts) with the precache list the
 * build injects from the emitted files. Model files are left out of it on purpose: the worker keeps them in the
 * engine's verified store instead (see keep-models.ts), so they are stored once.
 */
export const offlinePwaOptions: Partial<VitePWAOptions> = {
  strategies: 'injectManifest',
  srcDir: 'src/ui/sw',
  filename: 'service-worker.ts',
  // The registration script goes into index.html; no app module needs to know about it.
  injectRegister: 'script-defer',
  registerType: 'autoUpdate',
  manifest: {
    name: 'Code2LoRA Web',
    short_name: 'Code2LoRA',
    description: 'A repo-tuned code completer from any Python repository, in the browser.',
    display: 'standalone',
    start_url: '.',
    theme_color: '#3b5bdb',
    background_color: '#f7f7f5',
  },
  injectManifest: {
    rollupFormat: 'iife',
    globPatterns: ['**/*.{html,js,css,wasm,json,zip,svg,png,ico,webmanifest}'],
    globIgnores: ['models/**'],
    maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
  },
  devOptions: { enabled: false },
};
