import type { BackendChoice } from '../../engine/types.ts';

/** "WebGPU", "WASM" or "WASM, 2 threads": what runs the models, as the status and settings show it. */
export function backendLabel(choice: Pick<BackendChoice, 'backend' | 'wasmThreads'>): string {
  if (choice.backend === 'webgpu') return 'WebGPU';
  const threads = choice.wasmThreads;
  return threads === undefined ? 'WASM' : `WASM, ${threads} thread${threads === 1 ? '' : 's'}`;
}
