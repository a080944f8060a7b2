/** The model engine's contract, shared by the model worker, the UI and the Node tools. */

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | Backend;

export interface BackendChoice {
  backend: Backend;
  /** Why this backend: e.g. "WebGPU adapter granted (SwiftShader, fallback adapter)" or "navigator.gpu missing". */
  reason: string;
}

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
  /** Graph input/output shapes, as written by the exporter ("batch" etc. for dynamic axes). */
  inputs?: Record<string, (number | string)[]>;
  outputs?: Record<string, (number | string)[]>;
}

export interface Manifest {
  version: number;
  files: Record<string, ManifestFile>;
  config?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

export type ModelErrorCode = 'missing-file' | 'corrupt-file' | 'bad-manifest' | 'session-failed' | 'device-lost';

export interface LoadProgress {
  name: string;
  loaded: number;
  total: number;
}
