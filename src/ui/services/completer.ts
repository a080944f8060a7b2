import type { BackendChoice, BackendPreference, EngineInitOptions, LoadProgress } from '../../engine/types.ts';
import type {
  AdapterSummary,
  CompletionRequest,
  CompletionResult,
  EncodeProgress,
  EvoStepInput,
  SourceFile,
} from '../../engine/completer/api.ts';
import { CompleterClient } from '../../engine/completer/client.ts';
import type { AdapterFiles } from '../../core/adapters/index.ts';

/** The UI's view of the app's model worker: started on first use, restarted when the backend preference or the
 * engine options change. */
export interface CompleterService {
  start(preference: BackendPreference, options?: EngineInitOptions): Promise<BackendChoice>;
  /** Loads a model set's manifest (a path under the app's base URL) and its graphs. */
  prepare(manifestPath: string, onProgress: (p: LoadProgress) => void): Promise<void>;
  encodeFiles(files: SourceFile[], onProgress: (p: EncodeProgress) => void): Promise<{ tokens: number; cachedFiles: number }>;
  adapterFromFiles(files: SourceFile[]): Promise<AdapterSummary>;
  evoStart(files: SourceFile[]): Promise<AdapterSummary>;
  evoStep(fromAdapterId: string, step: EvoStepInput): Promise<AdapterSummary>;
  complete(request: CompletionRequest, onText: (textSoFar: string) => void): Promise<CompletionResult>;
  cancel(): Promise<void>;
  /**
   * Stops a model load in flight by stopping the worker (a download cannot be interrupted from inside it): the
   * pending prepare() fails as cancelled, nothing partial is kept (files are stored only once verified), and the
   * next start() makes a new worker. Returns false when no load is in flight.
   */
  stopLoading(): boolean;
  adapterFiles(id: string, source: { repository: string; commit: string }): Promise<AdapterFiles>;
}

let client: CompleterClient | null = null;
/** The preference and options the running worker was started with. */
let clientStart: string | null = null;
let loading: { reject: (error: Error) => void } | null = null;

function getClient(): CompleterClient {
  if (!client) throw new Error('The model worker is not started');
  return client;
}

const service: CompleterService = {
  async start(preference, options = {}) {
    const wanted = JSON.stringify({ preference, floatOnWasm: options.floatOnWasm === true });
    if (client && clientStart !== wanted) {
      void client.dispose();
      client = null;
    }
    if (!client) {
      client = new CompleterClient();
      clientStart = wanted;
    }
    return client.init(preference, options);
  },
  prepare(manifestPath, onProgress) {
    const url = new URL(`${import.meta.env.BASE_URL}${manifestPath}`, location.href).href;
    const pending = getClient().prepare(url, onProgress);
    return new Promise<void>((resolve, reject) => {
      const mine = { reject };
      loading = mine;
      pending.then(resolve, reject).finally(() => {
        if (loading === mine) loading = null;
      });
    });
  },
  stopLoading() {
    if (!loading || !client) return false;
    client.terminate();
    client = null;
    loading.reject(Object.assign(new Error('Loading the models was cancelled; nothing partial was kept.'), { code: 'cancelled' }));
    loading = null;
    return true;
  },
  encodeFiles: (files, onProgress) => getClient().encodeFiles(files, onProgress),
  adapterFromFiles: (files) => getClient().adapterFromFiles(files),
  evoStart: (files) => getClient().evoStart(files),
  evoStep: (from, step) => getClient().evoStep(from, step),
  complete: (request, onText) => getClient().complete(request, onText),
  cancel: () => getClient().cancel(),
  adapterFiles: (id, source) => getClient().adapterFiles(id, source),
};

export function completerService(): CompleterService {
  return service;
}
