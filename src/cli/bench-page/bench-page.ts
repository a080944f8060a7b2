/**
 * The benchmark harness page (built only by `npm run bench`, never part of the app): runs the completer benchmark
 * in a module worker, as the app's model worker does, on the backend named in ?backend=.
 */
import type { BenchReply, BenchRequest } from './protocol.ts';

declare global {
  interface Window {
    benchResult?: BenchReply;
  }
}

const backend = new URLSearchParams(location.search).get('backend') === 'webgpu' ? 'webgpu' : 'wasm';
const input = (await (await fetch(`./input-${backend}.json`)).json()) as BenchRequest['input'];
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<BenchReply>) => {
  window.benchResult = event.data;
  (document.getElementById('status') as HTMLElement).textContent = 'done';
};
worker.onerror = (event) => {
  window.benchResult = { ok: false, error: event.message };
};
const request: BenchRequest = { backend, manifestUrl: new URL('./models/manifest.json', location.href).href, input };
worker.postMessage(request);
