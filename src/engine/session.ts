import * as ort from 'onnxruntime-web';
import { ModelError, describeError } from './errors.ts';
import { SerialQueue } from './serial-queue.ts';
import type { Backend, ModelInfo, ValueInfo } from './types.ts';

export interface SessionOptions {
  /** Outputs to leave on the GPU (`gpu-buffer`); ignored on WASM, where every tensor lives on the CPU. */
  gpuOutputs?: string[] | 'all';
}

function describeValues(values: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return values.map((value) =>
    value.isTensor
      ? { name: value.name, type: value.type, shape: [...value.shape] }
      : { name: value.name, type: 'non-tensor', shape: [] },
  );
}

function outputLocation(
  gpuOutputs: SessionOptions['gpuOutputs'],
): ort.InferenceSession.SessionOptions['preferredOutputLocation'] {
  if (gpuOutputs === 'all') return 'gpu-buffer';
  if (!gpuOutputs || gpuOutputs.length === 0) return undefined;
  return Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer' as const]));
}

/**
 * One onnxruntime-web session on one backend. Runs are serialised through a queue (a session must not run
 * concurrently with itself); release waits for the runs already queued.
 */
export class ModelSession {
  private readonly queue = new SerialQueue();
  private released = false;

  private constructor(
    readonly name: string,
    readonly backend: Backend,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(name: string, bytes: Uint8Array, backend: Backend, options: SessionOptions = {}): Promise<ModelSession> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    };
    const location = backend === 'webgpu' ? outputLocation(options.gpuOutputs) : undefined;
    if (location) sessionOptions.preferredOutputLocation = location;
    try {
      return new ModelSession(name, backend, await ort.InferenceSession.create(bytes, sessionOptions));
    } catch (error) {
      throw new ModelError('session-failed', `${name}: could not create a ${backend} session (${describeError(error)})`, {
        cause: error,
      });
    }
  }

  get info(): ModelInfo {
    return {
      name: this.name,
      backend: this.backend,
      inputs: describeValues(this.session.inputMetadata),
      outputs: describeValues(this.session.outputMetadata),
    };
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs after every run queued before it; the caller owns (and must dispose) the returned GPU tensors. */
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    return this.queue.run(async () => {
      if (this.released) throw new ModelError('not-loaded', `${this.name} (${this.backend}) was released`);
      try {
        return { ...(await this.session.run(feeds)) };
      } catch (error) {
        throw new ModelError('run-failed', `${this.name} (${this.backend}): ${describeError(error)}`, { cause: error });
      }
    });
  }

  /** Runs queued or in flight. */
  get pendingRuns(): number {
    return this.queue.pending;
  }

  release(): Promise<void> {
    return this.queue.run(async () => {
      if (this.released) return;
      this.released = true;
      await this.session.release();
    });
  }
}
