import type { CompletionResult } from '../../engine/completer/api.ts';
import type { BenchFigures, BenchInput } from '../../engine/completer/benchmark.ts';
import type { BackendChoice, BackendPreference } from '../../engine/types.ts';

/**
 * What the harness page sends its worker, and what comes back (the page leaves it on window.benchResult).
 * 'bench' runs the benchmark; 'complete' completes each prefix with every available method (for the e2e test
 * that WASM and WebGPU give the same greedy completions) and reports where the adapter's tensors live.
 */
export interface BenchRequest {
  mode: 'bench' | 'complete';
  backend: BackendPreference;
  manifestUrl: string;
  input: BenchInput;
}

export interface CompletionReport {
  completions: CompletionResult[];
  /** Resident tensor name -> location ('gpu-buffer' under WebGPU). */
  residents: Record<string, string>;
}

export type BenchReply =
  | { ok: true; backend: BackendChoice; wasmThreads: number; prepareMs: number; figures?: BenchFigures; report?: CompletionReport }
  | { ok: false; error: string };
