import type { EncodeProgress } from '../../engine/completer/api.ts';

/** Where the wait before "ready" went, phase by phase (wall-clock ms). */
export interface ReadyTimings {
  /** null when the models were already loaded for an earlier repository. */
  modelsMs: number | null;
  readMs: number;
  encodeMs: number;
  /** The adapting phase as a whole: the repository embedding, then the hypernetwork and Evo's initial state. */
  adaptMs: number;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The Static adapter's ready line. It counts the files the encoder planned (the most important production files
 * under the token cap) against all production files, so it agrees with the progress bar, and it says where the
 * wait went: "generated in 15 ms" alone, after an 8 s wait, read as if the number were wrong.
 */
/** The files left out, said once after the ready line, so that a file missing from the adapter is explained. */
export function skippedLine(binary: readonly string[]): string | null {
  if (binary.length === 0) return null;
  const shown = binary.slice(0, 3).join(', ') + (binary.length > 3 ? ', …' : '');
  return `Skipped ${binary.length} .py file${binary.length === 1 ? '' : 's'} with binary content: ${shown}.`;
}

export function readyLine(productionFiles: number, encode: EncodeProgress | null, hypernetMs: number, t: ReadyTimings | null): string {
  const planned = encode ? `${encode.totalFiles} of ${productionFiles} production files encoded` : `${productionFiles} production files`;
  const cached = encode && encode.cached > 0 ? ` (${encode.cached} from the cache)` : '';
  const head = `Code2LoRA-Static adapter ready: ${planned}${cached}; the hypernetwork took ${hypernetMs.toFixed(1)} ms.`;
  if (!t) return head;
  const total = (t.modelsMs ?? 0) + t.readMs + t.encodeMs + t.adaptMs;
  const parts = [
    ...(t.modelsMs !== null ? [`loading models ${seconds(t.modelsMs)}`] : []),
    `reading files ${seconds(t.readMs)}`,
    `encoding ${seconds(t.encodeMs)}`,
    `adapters ${seconds(t.adaptMs)}`,
  ];
  return `${head} Ready after ${seconds(total)}: ${parts.join(', ')}.`;
}

/** The ready line of a model set without a hypernetwork: nothing was encoded, so only loading and reading count. */
export function modelsOnlyReadyLine(label: string, t: ReadyTimings | null): string {
  const head = `${label} ready: no adapter to make; it completes from the prefix, or with the repository's own test assertions in its prompt.`;
  if (!t) return head;
  const total = (t.modelsMs ?? 0) + t.readMs;
  const parts = [...(t.modelsMs !== null ? [`loading models ${seconds(t.modelsMs)}`] : []), `reading files ${seconds(t.readMs)}`];
  return `${head} Ready after ${seconds(total)}: ${parts.join(', ')}.`;
}
