import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { ModelWorkerFullApi } from './api.ts';
import { installModelErrorTransfer } from './comlink-errors.ts';
import { buffersOf } from './tensors-transfer.ts';
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

/**
 * The main thread's handle on the model worker: the same calls as ModelWorkerApi, with callbacks wrapped as
 * comlink proxies and feed buffers transferred. `dispose()` releases the sessions and the proxy, then terminates
 * the worker (which closes the ports of the callbacks it held).
 */
export class ModelClient {
  private readonly worker: Worker;
  protected readonly remote: Remote<ModelWorkerFullApi>;
  private disposed = false;

  constructor() {
    installModelErrorTransfer();
    this.worker = new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'model' });
    this.remote = wrap<ModelWorkerFullApi>(this.worker);
  }

  init(preference: BackendPreference = 'auto', options: EngineInitOptions = {}): Promise<BackendChoice> {
    return this.remote.init(preference, options);
  }

  backend(): Promise<BackendChoice> {
    return this.remote.backend();
  }

  subscribe(listener: (event: EngineEvent) => void): Promise<void> {
    return this.remote.subscribe(proxy(listener));
  }

  loadManifest(url: string, onProgress?: (progress: LoadProgress) => void): Promise<Manifest> {
    return this.remote.loadManifest(url, onProgress ? proxy(onProgress) : undefined);
  }

  load(name: string, options?: LoadOptions, onProgress?: (progress: LoadProgress) => void): Promise<ModelInfo> {
    return this.remote.load(name, options, onProgress ? proxy(onProgress) : undefined);
  }

  readFile(name: string): Promise<Uint8Array> {
    return this.remote.readFile(name);
  }

  /** Runs a graph in the worker. The feeds' buffers are transferred: do not use those arrays afterwards. */
  run(name: string, feeds: Record<string, FeedValue>, options?: RunOptions): Promise<Record<string, PlainTensor>> {
    const plain: Record<string, PlainTensor> = {};
    for (const [key, value] of Object.entries(feeds)) if (!('resident' in value)) plain[key] = value;
    return this.remote.run(name, transfer(feeds, buffersOf(plain)), options);
  }

  residentLocations(): Promise<Record<string, string>> {
    return this.remote.residentLocations();
  }

  releaseResident(names: string[]): Promise<void> {
    return this.remote.releaseResident(names);
  }

  unload(name: string, backend?: Backend): Promise<void> {
    return this.remote.unload(name, backend);
  }

  /**
   * Stops the worker at once, whatever it is doing (a model download, a session load): its memory goes with it.
   * For cancelling work that cannot stop by itself; dispose() is the orderly way out.
   */
  terminate(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.remote[releaseProxy]();
    this.worker.terminate();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.remote.dispose();
    } finally {
      this.remote[releaseProxy]();
      this.worker.terminate();
    }
  }
}
