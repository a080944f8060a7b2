/**
 * The completer's contract: what the model worker offers the UI (and what the Node CLI runs in-process) on top of
 * the raw sessions: repository encoding, adapters (Static and Evo), and streamed greedy completion. Adapters and
 * KV caches stay inside the worker (on the GPU under WebGPU); the UI holds only their ids and summaries.
 */

import type { AdapterFiles } from '../../core/adapters/index.ts';
import type { MemoryTask } from '../../core/memory/index.ts';
import type { LoadProgress } from '../types.ts';

/**
 * base: the LM alone; static / evo: with a generated adapter; single: with the one shared LoRA trained for every
 * repository (single_lora.onnx); rag: production code windows ahead of the prefix; memory: the repository's most
 * similar test assertions ahead of the prefix (src/core/memory), with the LoRA trained on that prompt where the
 * model set has one (memory_lora.onnx), else with the LM alone.
 */
export type Method = 'base' | 'static' | 'evo' | 'single' | 'rag' | 'memory';

/** What 'memory' recalls from: the assertion being completed and the repository's other assertion sites. */
export interface MemoryRequest {
  query: MemoryTask;
  pool: readonly MemoryTask[];
}

export interface SourceFile {
  path: string;
  /** Git blob id: the cache key of the file's vector. */
  oid: string;
  text: string;
}

export interface EncodeProgress {
  /** Planned files whose vectors are done (cached ones count from the start). */
  files: number;
  /** Files the plan encodes: the most important production files under the token cap, not every one. */
  totalFiles: number;
  /** Tokens encoded so far, and all the plan encodes (cached files need none): the bar moves by these. */
  tokens: number;
  totalTokens: number;
  /** Files whose vectors came from the cache. */
  cached: number;
}

/** Per projection type (q, k, v, o, gate, up, down): Frobenius norms of A and B and of the update (alpha/r) B A. */
export interface AdapterSummary {
  id: string;
  norms: Record<string, { a: number; b: number; delta: number }>;
  /** Cosine between this adapter's flattened tensors and the previous one's (Evo), when there is one. */
  cosineToPrevious: number | null;
  ms: number;
}

export interface EvoStepInput {
  commit: string;
  /**
   * The commit's changed production files, each as the encoder reads a change: `text` is
   * changeText(path, oldText, newText) from src/core/diff (the new side of the file's diff with 3 lines of context;
   * a deleted file is one line naming it), `oid` a cache key of that text (e.g. old blob id + ':' + new blob id).
   * Pooled like a snapshot (importance weights, token cap). Empty: the commit changed no production code, and the
   * state does not move (the returned adapter is the previous one's state under a new id).
   */
  files: SourceFile[];
}

export interface CompletionRequest {
  /** The prompt: text before the cursor (the task prefix). */
  prefix: string;
  method: Method;
  /** Adapter to apply for 'static' and 'evo' (from adapterFromFiles / evoStep). */
  adapterId?: string;
  /** For 'rag': production files to retrieve k=3 chunks from (already encoded by encodeFiles). */
  ragFiles?: SourceFile[];
  /** For 'memory': the query and the pool it recalls the k most similar assertions from (leave-one-out by id). */
  memory?: MemoryRequest;
  maxNewTokens?: number;
}

export interface CompletionResult {
  /** Generated text, cut by the stop rules (first line). */
  text: string;
  /** Everything decoded, the stopping token included (what the Python pipeline records). */
  rawText: string;
  promptTokens: number;
  newTokens: number;
  firstTokenMs: number;
  totalMs: number;
  method: Method;
  /** For 'memory': the repository's assertions put in the prompt, best match first. */
  recalled?: { path: string; line: number; assertion: string }[];
}

export interface CompleterApi {
  /** Loads the manifest, tokenizer and graphs (verified), reporting download progress. */
  prepare(manifestUrl: string, onProgress?: (p: LoadProgress) => void): Promise<void>;
  /** File vectors for production files (cached by oid). Cancellable with cancel(). */
  encodeFiles(files: SourceFile[], onProgress?: (p: EncodeProgress) => void): Promise<{ tokens: number; cachedFiles: number }>;
  /** Static adapter from a snapshot's production files (which must have been encoded). */
  adapterFromFiles(files: SourceFile[]): Promise<AdapterSummary>;
  /** Evo: initial state z_0 from a snapshot's production files (which must have been encoded); then one step per
   * commit. States are kept per adapter id, so stepping back to a visited commit needs no recomputation. */
  evoStart(files: SourceFile[]): Promise<AdapterSummary>;
  evoStep(fromAdapterId: string, step: EvoStepInput): Promise<AdapterSummary>;
  /** Greedy completion, streamed token by token (text so far), cancellable with cancel(). */
  complete(request: CompletionRequest, onText?: (textSoFar: string) => void): Promise<CompletionResult>;
  /** Stops the encode or completion in flight (it rejects with code 'cancelled'). */
  cancel(): Promise<void>;
  /**
   * An adapter ('single', or a Static or Evo adapter's id) as files other tools load next to the same pretrained
   * base: a llama.cpp GGUF LoRA and a PEFT safetensors file with its config (src/core/adapters). Only for a model
   * set whose LM is a pretrained base (its manifest names the GGUF file the adapter fits).
   */
  adapterFiles(id: string, source: { repository: string; commit: string }): Promise<AdapterFiles>;
}
