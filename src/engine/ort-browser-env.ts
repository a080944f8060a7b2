import * as ort from 'onnxruntime-web';
// The JSEP build (WebGPU + WASM in one binary) that the default 'onnxruntime-web' entry loads; `?url` makes
// Vite emit it as an asset of the build and gives its final URL, so it is found after `vite build`.
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/** Points onnxruntime-web at the bundled .wasm. Browser-only (Node finds the file next to the package). */
export function configureOrtForBrowser(): void {
  ort.env.wasm.wasmPaths = { wasm: new URL(jsepWasmUrl, self.location.href).href };
  // Threads need cross-origin isolation (COOP/COEP, src/serve/isolation.ts); without it onnxruntime-web would warn
  // and use one anyway. Its own default is half the cores, one on a two-core machine: the kernels get every core
  // (at most 4), since a completion is the one thing the page waits for.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? wasmThreads(self.navigator.hardwareConcurrency) : 1;
  ort.env.logLevel = 'error';
}

/** Threads for the WASM kernels on a machine with `cores` logical cores. */
export function wasmThreads(cores: number | undefined): number {
  return Math.max(1, Math.min(4, Math.floor(cores ?? 1)));
}
