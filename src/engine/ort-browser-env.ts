import * as ort from 'onnxruntime-web';
// The JSEP build (WebGPU + WASM in one binary) that the default 'onnxruntime-web' entry loads; `?url` makes
// Vite emit it as an asset of the build and gives its final URL, so it is found after `vite build`.
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/** Points onnxruntime-web at the bundled .wasm. Browser-only (Node finds the file next to the package). */
export function configureOrtForBrowser(): void {
  ort.env.wasm.wasmPaths = { wasm: new URL(jsepWasmUrl, self.location.href).href };
  // Threads need cross-origin isolation (COOP/COEP); without it onnxruntime-web would warn and use one anyway.
  if (!self.crossOriginIsolated) ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}
