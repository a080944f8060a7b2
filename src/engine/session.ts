import * as ort from 'onnxruntime-web';
import { ModelError, describeError } from './errors.ts';
import { SerialQueue } from './serial-queue.ts';
import type { Backend, ModelInfo, ValueInfo } from './types.ts';

export interface SessionOptions {
  /** Outputs to leave on the GPU (`gpu-buffer`); ignored on WASM, where every tensor lives on the CPU. */
  gpuOutputs?: string[] | 'all';
  /** The graph's external data files by the names it gives them (gguf-dequantize.ts makes the base's). */
  externalData?: { path: string; data: Uint8Array }[];
}

/**
 * On WASM, 'parallel' skips the planner's search for reusable buffers, which for the base's 3,146 nodes is half of
 * making the session (2.9-3.4 s against 6.0-7.1 s in Node, same runs, BENCHMARKS.md); runs take the same time and
 * the peak memory grows by about 2%. WebGPU keeps the sequential executor it is built for.
 */
export function executionModeFor(backend: Backend): 'parallel' | 'sequential' {
  return backend === 'wasm' ? 'parallel' : 'sequential';
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
 * One onnxruntime-web session on one backend. Every call into onnxruntime (create, run, reading GPU outputs,
 * release) goes through a queue, so a session never runs concurrently with itself; release waits for the runs
 * already queued. Sessions that share one onnxruntime instance must share one queue: in the browser build
 * (WebGPU + WASM in one binary) a run of a second session while one is in flight fails with "Session already
 * started" and leaves the instance corrupt (measured), so ModelHost hands all its sessions the same queue.
 */
export class ModelSession {
  private released = false;

  private constructor(
    readonly name: string,
    readonly backend: Backend,
    private readonly session: ort.InferenceSession,
    private readonly queue: SerialQueue,
  ) {}

  static async create(
    name: string,
    bytes: Uint8Array,
    backend: Backend,
    options: SessionOptions = {},
    queue: SerialQueue = new SerialQueue(),
  ): Promise<ModelSession> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      executionMode: executionModeFor(backend),
      // Errors only: the node-placement warnings (shape ops on the CPU) are expected and would flood the console.
      logSeverityLevel: 3,
    };
    const location = backend === 'webgpu' ? outputLocation(options.gpuOutputs) : undefined;
    if (location) sessionOptions.preferredOutputLocation = location;
    if (options.externalData) sessionOptions.externalData = options.externalData;
    try {
      const session = await queue.run(() => ort.InferenceSession.create(bytes, sessionOptions));
      return new ModelSession(name, backend, session, queue);
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

  /**
   * Runs after every call queued before it. `finish` (e.g. downloading GPU outputs) runs inside the same turn of
   * the queue, before anything else touches onnxruntime. The caller owns (and must dispose) returned GPU tensors.
   */
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  run<T>(feeds: Record<string, ort.Tensor>, finish: (outputs: Record<string, ort.Tensor>) => Promise<T>): Promise<T>;
  run<T>(
    feeds: Record<string, ort.Tensor>,
    finish?: (outputs: Record<string, ort.Tensor>) => Promise<T>,
  ): Promise<T | Record<string, ort.Tensor>> {
    return this.queue.run(async () => {
      if (this.released) throw new ModelError('not-loaded', `${this.name} (${this.backend}) was released`);
      let outputs: Record<string, ort.Tensor>;
      try {
        outputs = { ...(await this.session.run(feeds)) };
      } catch (error) {
        throw new ModelError('run-failed', `${this.name} (${this.backend}): ${describeError(error)}`, { cause: error });
      }
      return finish ? finish(outputs) : outputs;
    });
  }

  /** Calls queued or in flight on this session's queue (shared sessions count each other's). */
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
