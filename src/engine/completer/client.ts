import { proxy } from 'comlink';
import { ModelClient } from '../client.ts';
import type { AdapterFiles } from '../../core/adapters/index.ts';
import type { LoadProgress } from '../types.ts';
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
export class CompleterClient extends ModelClient implements CompleterApi {
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

  adapterFiles(id: string, source: { repository: string; commit: string }): Promise<AdapterFiles> {
    return this.remote.adapterFiles(id, source);
  }
}

/** A client on a new model worker. */
export function createCompleterClient(): CompleterClient {
  return new CompleterClient();
}
