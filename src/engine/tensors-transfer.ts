import type { PlainTensor } from './types.ts';

/** The buffers to transfer with a set of plain tensors (kept apart from tensors.ts so the main thread does not import onnxruntime). */
export function buffersOf(tensors: Record<string, PlainTensor>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    if (tensor.data.buffer instanceof ArrayBuffer) buffers.add(tensor.data.buffer);
  }
  return [...buffers];
}
