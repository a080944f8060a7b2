import type {
  Backend,
  BackendChoice,
  BackendPreference,
  EngineInitOptions,
  EngineEvent,
  FeedValue,
  LoadOptions,
  LoadProgress,
  Manifest,
  ModelInfo,
  PlainTensor,
  RunOptions,
} from './types.ts';
import type { CompleterApi } from './completer/api.ts';

/**
 * What the model worker exposes (through comlink). It owns every onnxruntime-web session and every GPU tensor.
 * Failures reject with a ModelError carrying a ModelErrorCode (the comlink error handler keeps the code).
 * Tensors cross the boundary as plain typed arrays whose buffers are transferred, not copied: a feed's arrays are
 * detached on the caller's side once sent.
 */
export interface ModelWorkerApi {
  /** Picks WebGPU when an adapter is granted, else WASM, and says why. Call once, before loading models. */
  init(preference: BackendPreference, options?: EngineInitOptions): Promise<BackendChoice>;
  /** The current choice (it changes if WebGPU fails later: session creation refused, device lost). */
  backend(): Promise<BackendChoice>;
  /** Backend changes and download progress, for as long as the worker lives. */
  subscribe(listener: (event: EngineEvent) => void): Promise<void>;
  /** Fetches and validates the manifest, then downloads and verifies every file it lists, caching them offline. */
  loadManifest(url: string, onProgress?: (progress: LoadProgress) => void): Promise<Manifest>;
  /** Creates the session of a manifest graph (on the current backend unless `options.backend` says otherwise). */
  load(name: string, options?: LoadOptions, onProgress?: (progress: LoadProgress) => void): Promise<ModelInfo>;
  /** The verified bytes of a non-graph file of the manifest (tokenizer.json, ...), transferred. */
  readFile(name: string): Promise<Uint8Array>;
  /** Runs a loaded graph; outputs not kept as residents come back as transferred typed arrays. */
  run(name: string, feeds: Record<string, FeedValue>, options?: RunOptions): Promise<Record<string, PlainTensor>>;
  /** Where each resident tensor lives: 'gpu-buffer' (on the GPU) or 'cpu'. */
  residentLocations(): Promise<Record<string, string>>;
  /** Disposes resident tensors (frees their GPU buffers). */
  releaseResident(names: string[]): Promise<void>;
  unload(name: string, backend?: Backend): Promise<void>;
  /** Releases every session and tensor; the worker can then be terminated. */
  dispose(): Promise<void>;
}

/** The app's model worker: the raw engine and, on the same model host, the completer. */
export type ModelWorkerFullApi = ModelWorkerApi & CompleterApi;
