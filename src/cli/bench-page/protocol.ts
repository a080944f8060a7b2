import type { BenchFigures, BenchInput } from '../../engine/completer/benchmark.ts';
import type { BackendChoice, BackendPreference } from '../../engine/types.ts';

/** What the benchmark page sends its worker, and what comes back (the page leaves it on window.benchResult). */
export interface BenchRequest {
  backend: BackendPreference;
  manifestUrl: string;
  input: BenchInput;
}

export type BenchReply =
  | { ok: true; backend: BackendChoice; figures: BenchFigures; prepareMs: number }
  | { ok: false; error: string };
