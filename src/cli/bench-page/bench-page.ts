/**
 * The benchmark harness page (built only by `npm run bench` and the completer e2e test, never part of the app):
 * runs the completer in a module worker, as the app's model worker does, on the backend named in ?backend=.
 */
import type { BenchReply, BenchRequest } from './protocol.ts';

declare global {
  interface Window {
    benchResult?: BenchReply;
  }
}

const params = new URLSearchParams(location.search);
const backend = params.get('backend') === 'webgpu' ? 'webgpu' : 'wasm';
const mode = params.get('mode') === 'complete' ? 'complete' : 'bench';
const input = (await (await fetch(`./input-${params.get('input') ?? backend}.json`)).json()) as BenchRequest['input'];
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<BenchReply>) => {
  window.benchResult = event.data;
  (document.getElementById('status') as HTMLElement).textContent = 'done';
};
worker.onerror = (event) => {
  window.benchResult = { ok: false, error: event.message };
};
const request: BenchRequest = { mode, backend, manifestUrl: new URL('./models/manifest.json', location.href).href, input };
worker.postMessage(request);
