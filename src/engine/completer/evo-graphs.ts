/**
 * Code2LoRA-Evo's three graphs (models/evo/export_onnx.py) on a ModelHost:
 * `evo_init` embedding [E] -> state [Z] (from the starting snapshot's embedding), `evo_step` state [Z], embedding
 * [E] -> next_state [Z] (one commit's pooled diff texts), `evo_heads` state [Z] -> the 14 LoRA tensors. States are
 * small and come back as plain data; the heads' outputs stay resident (the completer keeps them like Static ones).
 */
import { ModelError } from '../errors.ts';
import type { ModelHost } from '../model-host.ts';
import type { Manifest, PlainTensor } from '../types.ts';

export const EVO_GRAPHS = ['evo_init', 'evo_step', 'evo_heads'] as const;

export function missingEvoGraphs(manifest: Manifest): string[] {
  return EVO_GRAPHS.filter((name) => !manifest.files[name]);
}

export function requireEvoGraphs(manifest: Manifest): void {
  const missing = missingEvoGraphs(manifest);
  if (missing.length > 0) {
    throw new ModelError('unknown-model', `this model set has no Evo graphs (missing ${missing.join(', ')}): Evo adapters unavailable`);
  }
}

export async function loadEvoGraphs(host: ModelHost): Promise<void> {
  await host.load('evo_init');
  await host.load('evo_step');
  await host.load('evo_heads', { gpuOutputs: 'all' });
}

function vectorFeed(vector: Float32Array): PlainTensor {
  // A copy: the feed's buffer may be transferred or reused by the runtime; the caller keeps its own.
  return { type: 'float32', data: vector.slice(), dims: [vector.length] };
}

function stateOutput(outputs: Record<string, PlainTensor>, name: string, graph: string): Float32Array {
  const out = outputs[name];
  if (!out || out.type !== 'float32') throw new ModelError('run-failed', `${graph} returned no float32 "${name}" output`);
  return out.data;
}

/** z_0 from the starting snapshot's embedding. */
export async function initialState(host: ModelHost, embedding: Float32Array): Promise<Float32Array> {
  return stateOutput(await host.run('evo_init', { embedding: vectorFeed(embedding) }), 'state', 'evo_init');
}

/** z_t from z_{t-1} and the commit's embedding e_t. */
export async function nextState(host: ModelHost, state: Float32Array, embedding: Float32Array): Promise<Float32Array> {
  const outputs = await host.run('evo_step', { state: vectorFeed(state), embedding: vectorFeed(embedding) });
  return stateOutput(outputs, 'next_state', 'evo_step');
}

/** The feeds of evo_heads for a state. */
export function headsFeeds(state: Float32Array): Record<string, PlainTensor> {
  return { state: vectorFeed(state) };
}
