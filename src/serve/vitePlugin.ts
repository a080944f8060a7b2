/** Brotli copies of the build's large files (at the end of `vite build`) and the preview server that sends them. */
import { resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { compressDirectory, precompressedMiddleware } from './precompressed.ts';

export function precompressPlugin(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'code2lora-precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle() {
      if (!config) return;
      const out = resolve(config.root, config.build.outDir);
      const { files, bytes, compressedBytes } = compressDirectory(out);
      config.logger.info(`brotli copies of ${files} files: ${(bytes / 1e6).toFixed(1)} MB -> ${(compressedBytes / 1e6).toFixed(1)} MB`);
    },
  };
}

export function precompressedPreviewPlugin(): Plugin {
  return {
    name: 'code2lora-precompressed-preview',
    configurePreviewServer(server) {
      const { root, build, base, preview } = server.config;
      server.middlewares.use(precompressedMiddleware(resolve(root, build.outDir), base, preview.headers));
    },
  };
}
