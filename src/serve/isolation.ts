/**
 * Cross-origin isolation for the app's pages: onnxruntime-web runs its WASM kernels on several threads only where
 * SharedArrayBuffer exists, which browsers allow only in cross-origin isolated pages (and their workers). The app
 * loads nothing from other origins but by CORS (the git proxy is same-origin), so `require-corp` blocks nothing.
 * A host that serves the build elsewhere must send the same two headers, or the app runs on one thread.
 */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
