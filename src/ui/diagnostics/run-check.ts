import type { ModelClient } from '../../engine/client.ts';
import { deterministicFeeds } from '../../engine/deterministic-feeds.ts';
import type { Backend, BackendChoice } from '../../engine/types.ts';
import { maxAbsDifference, summarise, type TensorSummary } from './compare.ts';

export interface BackendRun {
  backend: Backend;
  outputs: Record<string, TensorSummary>;
  /** Session creation (first time on this backend) and one run, in milliseconds: figures, not a benchmark. */
  loadMs: number;
  runMs: number;
}

export interface OutputComparison {
  name: string;
  maxAbsDiff: number;
  /** maxAbsDiff over the output's scale (its largest magnitude on WASM, at least 1): comparable across outputs. */
  scaledDiff: number;
}

export interface CheckResult {
  graph: string;
  runs: BackendRun[];
  /** Empty when only one backend could run. */
  comparisons: OutputComparison[];
  /** Largest difference over all outputs; null when only one backend ran. */
  maxAbsDiff: number | null;
  maxScaledDiff: number | null;
  /** Why WebGPU did not take part, when it did not. */
  webgpuSkipped?: string;
}

/**
 * The backends worth checking: always WASM, and WebGPU whenever an adapter was granted, even if the engine fell
 * back after a failed session (the check shows that failure) but not after the device was lost.
 */
export function backendsToCheck(choice: BackendChoice): Backend[] {
  const webgpu = choice.backend === 'webgpu' || (choice.adapter !== undefined && choice.reasonCode !== 'device-lost');
  return webgpu ? ['webgpu', 'wasm'] : ['wasm'];
}

/**
 * Runs one graph of the loaded manifest on each available backend with the same deterministic inputs and
 * compares every output element by element.
 */
export async function runBackendCheck(client: ModelClient, graph: string, choice: BackendChoice): Promise<CheckResult> {
  const backends = backendsToCheck(choice);
  const raw = new Map<Backend, Awaited<ReturnType<ModelClient['run']>>>();
  const runs: BackendRun[] = [];
  for (const backend of backends) {
    const loadStart = performance.now();
    const info = await client.load(graph, { backend });
    const runStart = performance.now();
    const outputs = await client.run(graph, deterministicFeeds(info.inputs), { backend });
    const runEnd = performance.now();
    raw.set(backend, outputs);
    runs.push({
      backend,
      loadMs: runStart - loadStart,
      runMs: runEnd - runStart,
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, summarise(tensor)])),
    });
  }
  const comparisons: OutputComparison[] = [];
  const gpu = raw.get('webgpu');
  const cpu = raw.get('wasm');
  if (gpu && cpu) {
    for (const [name, tensor] of Object.entries(cpu)) {
      const other = gpu[name];
      const maxAbsDiff = other ? maxAbsDifference(tensor, other) : Infinity;
      const summary = summarise(tensor);
      const scale = Math.max(1, Math.abs(summary.min), Math.abs(summary.max));
      comparisons.push({ name, maxAbsDiff, scaledDiff: maxAbsDiff / scale });
    }
  }
  const worst = (pick: (c: OutputComparison) => number): number | null =>
    comparisons.length ? comparisons.reduce((m, c) => (Number.isNaN(pick(c)) ? NaN : Math.max(m, pick(c))), 0) : null;
  const result: CheckResult = {
    graph,
    runs,
    comparisons,
    maxAbsDiff: worst((c) => c.maxAbsDiff),
    maxScaledDiff: worst((c) => c.scaledDiff),
  };
  if (!backends.includes('webgpu')) result.webgpuSkipped = choice.reason;
  return result;
}
