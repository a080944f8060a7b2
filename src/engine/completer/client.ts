import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ModelWorkerFullApi } from '../../workers/model.worker.ts';
import { installModelErrorTransfer } from '../comlink-errors.ts';
import type { BackendChoice, BackendPreference, EngineEvent, LoadProgress } from '../types.ts';
import type {
  AdapterSummary,
  CompleterApi,
  CompletionRequest,
  CompletionResult,
  EncodeProgress,
  EvoStepInput,
  SourceFile,
} from './api.ts';

/**
 * The main thread's handle on the completer in the model worker: backend choice, then CompleterApi. Callbacks
 * (progress, streamed text) travel as comlink proxies; failures arrive as ModelError with their code ('cancelled'
 * after cancel()). `dispose()` releases the worker's sessions and tensors, then terminates it.
 *
 *   const completer = new CompleterClient();
 *   await completer.init('auto');
 *   await completer.prepare('models/manifest.json');
 *   await completer.encodeFiles(files, (p) => ...);
 *   const adapter = await completer.adapterFromFiles(files);
 *   const result = await completer.complete({ prefix, method: 'static', adapterId: adapter.id }, (text) => ...);
 */
export class CompleterClient implements CompleterApi {
  private readonly worker: Worker;
  private readonly remote: Remote<ModelWorkerFullApi>;
  private disposed = false;

  constructor() {
    installModelErrorTransfer();
    this.worker = new Worker(new URL('../../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'model' });
    this.remote = wrap<ModelWorkerFullApi>(this.worker);
  }

  init(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
    return this.remote.init(preference);
  }

  backend(): Promise<BackendChoice> {
    return this.remote.backend();
  }

  subscribe(listener: (event: EngineEvent) => void): Promise<void> {
    return this.remote.subscribe(proxy(listener));
  }

  /** Where each resident tensor lives ('gpu-buffer' under WebGPU): adapters and KV caches stay in the worker. */
  residentLocations(): Promise<Record<string, string>> {
    return this.remote.residentLocations();
  }

  prepare(manifestUrl: string, onProgress?: (p: LoadProgress) => void): Promise<void> {
    return this.remote.prepare(manifestUrl, onProgress ? proxy(onProgress) : undefined);
  }

  encodeFiles(files: SourceFile[], onProgress?: (p: EncodeProgress) => void): Promise<{ tokens: number; cachedFiles: number }> {
    return this.remote.encodeFiles(files, onProgress ? proxy(onProgress) : undefined);
  }

  adapterFromFiles(files: SourceFile[]): Promise<AdapterSummary> {
    return this.remote.adapterFromFiles(files);
  }

  evoStart(files: SourceFile[]): Promise<AdapterSummary> {
    return this.remote.evoStart(files);
  }

  evoStep(fromAdapterId: string, step: EvoStepInput): Promise<AdapterSummary> {
    return this.remote.evoStep(fromAdapterId, step);
  }

  complete(request: CompletionRequest, onText?: (textSoFar: string) => void): Promise<CompletionResult> {
    return this.remote.complete(request, onText ? proxy(onText) : undefined);
  }

  cancel(): Promise<void> {
    return this.remote.cancel();
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

/** A client on a new model worker. */
export function createCompleterClient(): CompleterClient {
  return new CompleterClient();
}
