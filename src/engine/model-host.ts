import * as ort from 'onnxruntime-web';
import {
  chooseBackend,
  fallBackToWasm,
  platformGpu,
  type GpuDeviceLike,
  type GpuDeviceLostInfo,
  type GpuLike,
} from './backend.ts';
import { ModelError, describeError } from './errors.ts';
import { externalDataOf } from './external-data.ts';
import { ModelFiles } from './model-files.ts';
import { openDefaultStore, type ModelByteStore } from './model-store.ts';
import { SerialQueue } from './serial-queue.ts';
import { ModelSession } from './session.ts';
import { toOrtTensor, toPlainTensor } from './tensors.ts';
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
  ManifestFile,
  ModelInfo,
  PlainTensor,
  RunOptions,
} from './types.ts';
import type { FetchFn } from './verified-fetch.ts';

export interface ModelHostDeps {
  /** Where verified bytes are kept; defaults to the Cache API in browsers, memory in Node. */
  store?: ModelByteStore;
  fetchFn?: FetchFn;
  /** The WebGPU entry point; defaults to this context's navigator.gpu. */
  gpu?: GpuLike;
  /**
   * Run the float graphs on WASM too, not the 8-bit ones a manifest names for it (`on_wasm`): the float graphs are
   * what the Python scorer measures, so parity checks against its float decodes ask for them.
   */
  floatOnWasm?: boolean;
}

type Listener = (event: EngineEvent) => void;

function twinFor(name: string, file: ManifestFile, backend: Backend, floatOnWasm: boolean): string {
  if (backend === 'wasm') return floatOnWasm ? name : (file.onWasm ?? name);
  return file.onWebgpu ?? name;
}
type ProgressListener = (progress: LoadProgress) => void;

const INITIAL_CHOICE: BackendChoice = {
  backend: 'wasm',
  reasonCode: 'user-preference',
  reason: 'not initialised yet: WASM until init() runs',
};

/**
 * Owns every onnxruntime-web session and every tensor kept between runs (GPU tensors cannot leave the thread
 * that made them). The model worker exposes it through comlink; Node tools can use it directly.
 */
export class ModelHost {
  private choice: BackendChoice = INITIAL_CHOICE;
  private files: ModelFiles | null = null;
  private storePromise: Promise<ModelByteStore> | null = null;
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  /** Options of every model loaded so far, to load it again on WASM after a WebGPU failure. */
  private readonly loaded = new Map<string, LoadOptions>();
  private readonly residents = new Map<string, ort.Tensor>();
  /** One queue for every call into onnxruntime: see ModelSession on why sessions cannot run side by side. */
  private readonly ortQueue = new SerialQueue();
  private readonly listeners = new Set<Listener>();
  private webgpuHandedAdapter = false;
  private watchingDevice = false;
  /** onnxruntime-web cannot make a second device, so after a loss WebGPU stays off for this worker's life. */
  private deviceLost = false;
  private disposed = false;
  private floatOnWasm: boolean;

  constructor(private readonly deps: ModelHostDeps = {}) {
    this.floatOnWasm = deps.floatOnWasm === true;
  }

  /**
   * Chooses the backend (see chooseBackend) and hands the granted adapter to onnxruntime-web; `options.floatOnWasm`,
   * where given, says which graphs WASM runs from the next manifest loaded on.
   */
  async init(preference: BackendPreference = 'auto', options: EngineInitOptions = {}): Promise<BackendChoice> {
    if (options.floatOnWasm !== undefined) this.floatOnWasm = options.floatOnWasm;
    const decision = await chooseBackend(preference, this.deps.gpu ?? platformGpu());
    if (decision.adapter && !this.webgpuHandedAdapter) {
      // onnxruntime-web builds its device (with the adapter's full limits) from this adapter on the first
      // WebGPU session; an adapter can make only one device, so we do not request one ourselves.
      ort.env.webgpu.adapter = decision.adapter as typeof ort.env.webgpu.adapter;
      this.webgpuHandedAdapter = true;
    }
    this.setChoice(decision.choice);
    return this.choice;
  }

  backend(): BackendChoice {
    return this.choice;
  }

  subscribe(listener: Listener): void {
    this.listeners.add(listener);
  }

  /**
   * Fetches and validates the manifest, then downloads and verifies the files the current backend runs with (kept
   * for offline use): every file but the graphs that another backend runs in their place. A later fall back from
   * WebGPU to WASM fetches its graph when it is first loaded.
   */
  async loadManifest(url: string, onProgress?: ProgressListener): Promise<Manifest> {
    const files = await ModelFiles.open(url, await this.store(), this.deps.fetchFn);
    const needed = this.filesFor(files.manifest, this.choice.backend);
    await files.ensureAll((progress) => this.progress(progress, onProgress), needed);
    await this.releaseSessions(() => true);
    this.loaded.clear();
    this.files = files;
    return files.manifest;
  }

  /** The verified bytes of any manifest file (tokenizer.json, ...), as a buffer the caller may transfer. */
  async readFile(name: string, onProgress?: ProgressListener): Promise<Uint8Array> {
    return this.requireFiles().bytes(name, (progress) => this.progress(progress, onProgress));
  }

  /** Creates (or reuses) the session of a manifest graph on a backend, from re-verified bytes. */
  async load(name: string, options: LoadOptions = {}, onProgress?: ProgressListener): Promise<ModelInfo> {
    const files = this.requireFiles();
    files.entry(name);
    const explicit = options.backend !== undefined;
    const backend = options.backend ?? this.choice.backend;
    if (backend === 'webgpu' && this.deviceLost) {
      throw new ModelError('device-lost', `${name}: the WebGPU device was lost; reload the page to use WebGPU again`);
    }
    if (backend === 'webgpu' && !this.webgpuHandedAdapter) {
      throw new ModelError('session-failed', `${name}: WebGPU is not available here (${this.choice.reason})`);
    }
    this.loaded.set(name, { gpuOutputs: options.gpuOutputs ?? this.loaded.get(name)?.gpuOutputs });
    try {
      return (await this.session(name, backend, onProgress)).info;
    } catch (error) {
      const canFallBack = !explicit && backend === 'webgpu' && error instanceof ModelError && error.code === 'session-failed';
      if (!canFallBack) throw error;
      this.setChoice(fallBackToWasm(this.choice, 'session-failed', describeError(error)));
      return (await this.session(name, 'wasm', onProgress)).info;
    }
  }

  /**
   * Runs a loaded graph. Feeds are plain tensors or references to resident tensors; outputs named in
   * `options.keep` stay in the worker (on the GPU under WebGPU) as residents, every other output is returned as
   * plain data. Replacing a resident disposes the tensor it held.
   */
  async run(name: string, feeds: Record<string, FeedValue>, options: RunOptions = {}): Promise<Record<string, PlainTensor>> {
    if (!this.loaded.has(name)) throw new ModelError('not-loaded', `${name} is not loaded: call load() first`);
    const session = await this.session(name, options.backend ?? this.choice.backend);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [input, value] of Object.entries(feeds)) {
      if ('resident' in value) {
        const tensor = this.residents.get(value.resident);
        if (!tensor) {
          const code = this.deviceLost ? 'device-lost' : 'not-loaded';
          throw new ModelError(code, `feed "${input}": no resident tensor "${value.resident}"`);
        }
        ortFeeds[input] = tensor;
      } else {
        ortFeeds[input] = toOrtTensor(input, value);
      }
    }
    const keep = options.keep ?? {};
    return session.run(ortFeeds, async (outputs) => {
      const plain: Record<string, PlainTensor> = {};
      for (const [output, tensor] of Object.entries(outputs)) {
        const residentName = keep[output];
        if (residentName === undefined) {
          plain[output] = await toPlainTensor(output, tensor);
          continue;
        }
        const previous = this.residents.get(residentName);
        if (previous && previous !== tensor) previous.dispose();
        this.residents.set(residentName, tensor);
      }
      return plain;
    });
  }

  /** Where each resident tensor lives ('gpu-buffer' under WebGPU when kept on the GPU, else 'cpu'). */
  residentLocations(): Record<string, string> {
    return Object.fromEntries([...this.residents].map(([name, tensor]) => [name, tensor.location]));
  }

  /** Disposes resident tensors once the calls queued before have finished (a run may still be reading them). */
  releaseResident(names: string[]): Promise<void> {
    return this.ortQueue.run(async () => {
      for (const name of names) {
        this.residents.get(name)?.dispose();
        this.residents.delete(name);
      }
    });
  }

  /** Releases a model's sessions (on one backend, or all) after their queued runs. */
  async unload(name: string, backend?: Backend): Promise<void> {
    await this.releaseSessions((key) => key.name === name && (backend === undefined || key.backend === backend));
    if (backend === undefined) this.loaded.delete(name);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.releaseResident([...this.residents.keys()]);
    await this.releaseSessions(() => true);
    this.loaded.clear();
    this.listeners.clear();
    this.files = null;
  }

  private requireFiles(): ModelFiles {
    if (!this.files) throw new ModelError('not-loaded', 'no manifest loaded: call loadManifest() first');
    return this.files;
  }

  private store(): Promise<ModelByteStore> {
    this.storePromise ??= this.deps.store ? Promise.resolve(this.deps.store) : openDefaultStore();
    return this.storePromise;
  }

  private session(name: string, backend: Backend, onProgress?: ProgressListener): Promise<ModelSession> {
    const key = `${name}@${backend}`;
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.createSession(name, backend, onProgress);
      this.sessions.set(key, pending);
      // A failed creation is not cached: the next call tries again (e.g. after the file was fixed).
      pending.catch(() => this.sessions.delete(key));
    }
    return pending;
  }

  /**
   * The manifest graph that runs for `name` on `backend`: its 8-bit version on WASM and its 4-bit version on WebGPU
   * where the manifest has them.
   */
  graphFor(name: string, backend: Backend): string {
    return twinFor(name, this.requireFiles().entry(name), backend, this.floatOnWasm);
  }

  /** The manifest files a backend needs: of a graph and its twins for each backend, only the one that runs. */
  filesFor(manifest: Manifest, backend: Backend): Set<string> {
    const names = new Set(Object.keys(manifest.files));
    for (const [name, file] of Object.entries(manifest.files)) {
      const runs = twinFor(name, file, backend, this.floatOnWasm);
      for (const graph of [name, file.onWasm, file.onWebgpu]) {
        if (graph !== undefined && graph !== runs) names.delete(graph);
      }
    }
    return names;
  }

  private async createSession(name: string, backend: Backend, onProgress?: ProgressListener): Promise<ModelSession> {
    const files = this.requireFiles();
    const graph = this.graphFor(name, backend);
    const bytes = await files.bytes(graph, (progress) => this.progress(progress, onProgress));
    const gpuOutputs = this.loaded.get(name)?.gpuOutputs;
    const externalData = await externalDataOf(files.entry(graph), (file) =>
      files.bytes(file, (progress) => this.progress(progress, onProgress)),
    );
    const session = await ModelSession.create(graph, bytes, backend, { gpuOutputs, externalData }, this.ortQueue);
    if (backend === 'webgpu') void this.watchDevice();
    return session;
  }

  /** After the first WebGPU session exists, onnxruntime-web's device is known: a loss of it moves us to WASM. */
  private async watchDevice(): Promise<void> {
    if (this.watchingDevice) return;
    this.watchingDevice = true;
    let lost: GpuDeviceLostInfo;
    try {
      const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike;
      lost = await device.lost;
    } catch {
      return; // no device to watch: session creation itself will report the failure
    }
    if (this.disposed) return;
    this.deviceLost = true;
    this.setChoice(fallBackToWasm(this.choice, 'device-lost', lost.message || lost.reason));
    // GPU tensors and sessions died with the device; models load again on WASM at their next use.
    for (const [name, tensor] of this.residents) {
      if (tensor.location !== 'cpu') this.residents.delete(name);
    }
    await this.releaseSessions((key) => key.backend === 'webgpu');
  }

  private async releaseSessions(match: (key: { name: string; backend: Backend }) => boolean): Promise<void> {
    const releasing: Promise<void>[] = [];
    for (const [key, pending] of this.sessions) {
      const at = key.lastIndexOf('@');
      const parsed = { name: key.slice(0, at), backend: key.slice(at + 1) as Backend };
      if (!match(parsed)) continue;
      this.sessions.delete(key);
      releasing.push(pending.then((s) => s.release()).catch(() => undefined));
    }
    await Promise.all(releasing);
  }

  private setChoice(choice: BackendChoice): void {
    // How many threads the WASM kernels get (one unless the page is cross-origin isolated): shown with the backend.
    const threads = ort.env.wasm.numThreads;
    const known = choice.backend === 'wasm' && typeof threads === 'number' && threads > 0;
    this.choice = known ? { ...choice, wasmThreads: threads } : choice;
    this.emit({ kind: 'backend-changed', choice: this.choice });
  }

  private progress(progress: LoadProgress, onProgress?: ProgressListener): void {
    onProgress?.(progress);
    this.emit({ kind: 'progress', progress });
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        // Comlink proxies return promises; a listener that went away must not break the engine.
        void Promise.resolve(listener(event)).catch(() => undefined);
      } catch {
        // ignore: see above
      }
    }
  }
}
