import * as ort from 'onnxruntime-web';
import { ModelError } from './errors.ts';
import type { PlainTensor, TensorElementType } from './types.ts';

const ELEMENT_TYPES: readonly TensorElementType[] = ['float32', 'float16', 'int32', 'int64', 'uint8', 'int8', 'bool'];

export function isElementType(type: string): type is TensorElementType {
  return (ELEMENT_TYPES as readonly string[]).includes(type);
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** An onnxruntime tensor over the plain tensor's own memory (no copy). */
export function toOrtTensor(name: string, plain: PlainTensor): ort.Tensor {
  if (elementCount(plain.dims) !== plain.data.length) {
    throw new ModelError(
      'run-failed',
      `feed "${name}": ${plain.data.length} values do not fill dims [${plain.dims.join(', ')}]`,
    );
  }
  return new ort.Tensor(plain.type, plain.data, plain.dims);
}

/** A typed array that owns its whole buffer, so the buffer can be transferred without taking other data along. */
function owning<T extends { byteOffset: number; byteLength: number; buffer: ArrayBufferLike; slice(): T }>(data: T): T {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  return whole ? data : data.slice();
}

/**
 * Plain data of an output tensor. GPU-resident outputs are downloaded and their GPU buffer released; CPU outputs
 * are handed over as they are.
 */
export async function toPlainTensor(name: string, tensor: ort.Tensor): Promise<PlainTensor> {
  const type = tensor.type;
  if (!isElementType(type)) throw new ModelError('run-failed', `output "${name}" has unsupported type ${type}`);
  const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData(true);
  const dims = [...tensor.dims];
  switch (type) {
    case 'float32':
      return { type, dims, data: owning(data as Float32Array) };
    case 'float16':
      return { type, dims, data: owning(data as Uint16Array) };
    case 'int32':
      return { type, dims, data: owning(data as Int32Array) };
    case 'int64':
      return { type, dims, data: owning(data as BigInt64Array) };
    case 'uint8':
    case 'bool':
      return { type, dims, data: owning(data as Uint8Array) };
    case 'int8':
      return { type, dims, data: owning(data as Int8Array) };
  }
}
