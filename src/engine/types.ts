/** The model engine's contract, shared by the model worker, the UI and the Node tools. */

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | Backend;

/** How the engine starts, beside the backend preference. */
export interface EngineInitOptions {
  /**
   * Run the float graphs on WASM, not the 8-bit ones a manifest names for it (`on_wasm`): the completions the Python
   * scorer measured, for about twice the memory. Unset: as the host was made (8-bit by default).
   */
  floatOnWasm?: boolean;
}

/** Why the engine runs on the backend it does; the UI shows `reason`, code reads `reasonCode`. */
export type BackendReasonCode =
  | 'adapter-granted'
  | 'no-navigator-gpu'
  | 'no-adapter'
  | 'software-adapter'
  | 'device-request-failed'
  | 'user-preference'
  | 'session-failed'
  | 'device-lost';

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader. */
  isFallbackAdapter: boolean;
}

export interface BackendChoice {
  backend: Backend;
  /** Why this backend: e.g. "WebGPU adapter granted (SwiftShader, fallback adapter)" or "navigator.gpu missing". */
  reason: string;
  reasonCode: BackendReasonCode;
  /** Present when a WebGPU adapter was granted (even if the engine later fell back to WASM). */
  adapter?: GpuAdapterSummary;
  /** On WASM, the threads its kernels run on, where onnxruntime's setting is known. */
  wasmThreads?: number;
}

export type BlockKind = 'Q4_1' | 'Q8_0';

/** One graph initializer whose float32 values the app computes from GGUF blocks (models/export/gguf_initializers.py). */
export interface ExternalTensor {
  tensor: string;
  kind: BlockKind;
  /** The weight's shape as stored in blocks, [rows, cols], blocks of 32 along each row. */
  rows: number;
  cols: number;
  /** The graph holds the weight as [cols, rows]. */
  transpose: boolean;
  blocksOffset: number;
  /** Where the tensor starts in the external data (its int8 codes, in the 'int8-columns' format). */
  dataOffset: number;
  /**
   * 'int8-columns': where the float32 scale of each graph column and the int32 sum of its codes start.
   * 'q4-nbits' (Q4_1 weights): where the float32 d of each block and the [blocks, rows] table of m + 8 d start.
   */
  scaleOffset?: number;
  colsumOffset?: number;
  minOffset?: number;
}

/**
 * How the app writes a graph's external data from the blocks: 'float32', each weight dequantized; 'int8-columns',
 * each weight dequantized, then quantized to int8 with one symmetric scale per graph column (the 8-bit WASM graph,
 * models/export/int8_graph.py).
 */
export type ExternalFormat = 'float32' | 'int8-columns' | 'q4-nbits';

/** A graph's external float32 data, built from another manifest file of GGUF blocks before the session is made. */
export interface ExternalWeights {
  /** The external data file name the graph refers to (never downloaded). */
  location: string;
  /** The manifest name of the blocks file. */
  blocksFile: string;
  /** Size of the data. */
  bytes: number;
  format: ExternalFormat;
  tensors: ExternalTensor[];
}

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
  /** Graph input/output shapes, as written by the exporter ("batch" etc. for dynamic axes). */
  inputs?: Record<string, (number | string)[]>;
  outputs?: Record<string, (number | string)[]>;
  external?: ExternalWeights;
  /** The manifest name of the graph that runs in this one's place on WASM (the base's 8-bit graph). */
  onWasm?: string;
  /** The manifest name of the graph that runs in this one's place on WebGPU (the base's 4-bit graph). */
  onWebgpu?: string;
}

export interface Manifest {
  version: number;
  files: Record<string, ManifestFile>;
  config?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

export type ModelErrorCode =
  | 'missing-file'
  | 'corrupt-file'
  | 'bad-manifest'
  | 'unknown-model'
  | 'not-loaded'
  | 'session-failed'
  | 'run-failed'
  | 'device-lost'
  /** A completion request lacking what its method needs (e.g. 'memory' without the repository's assertions). */
  | 'bad-request'
  /** The completer's encode or completion in flight was stopped by cancel(). */
  | 'cancelled';

export interface LoadProgress {
  name: string;
  loaded: number;
  total: number;
  /** Where the bytes came from: the network, or the local cache (re-verified). */
  source: 'network' | 'cache';
}

/** Element types a plain tensor can carry across the worker boundary. */
export type TensorElementType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';

export interface TensorArrays {
  float32: Float32Array;
  /** IEEE half floats as raw bits. */
  float16: Uint16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  int8: Int8Array;
  bool: Uint8Array;
}

/** A tensor as plain data: what crosses the worker boundary (its buffer is transferred, not copied). */
export type PlainTensor = {
  [K in TensorElementType]: { type: K; data: TensorArrays[K]; dims: number[] };
}[TensorElementType];

/** A feed that refers to a tensor kept inside the worker (on the GPU under WebGPU) by an earlier run. */
export interface ResidentRef {
  resident: string;
}

export type FeedValue = PlainTensor | ResidentRef;

export interface LoadOptions {
  /** Backend for this session; defaults to the engine's current choice. */
  backend?: Backend;
  /** Outputs to leave on the GPU (`gpu-buffer`) under WebGPU, for feeding straight into another session. */
  gpuOutputs?: string[] | 'all';
}

export interface RunOptions {
  /** Which loaded session of this model to use; defaults to the engine's current backend. */
  backend?: Backend;
  /** Outputs to keep inside the worker as resident tensors: output name -> resident name. Not returned. */
  keep?: Record<string, string>;
}

export interface ValueInfo {
  name: string;
  type: string;
  /** Numbers for fixed sizes, strings for symbolic dimensions. */
  shape: (number | string)[];
}

export interface ModelInfo {
  name: string;
  backend: Backend;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export type EngineEvent =
  | { kind: 'backend-changed'; choice: BackendChoice }
  | { kind: 'progress'; progress: LoadProgress };
