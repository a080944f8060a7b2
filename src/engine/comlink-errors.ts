import { transferHandlers, type TransferHandler } from 'comlink';
import { ModelError } from './errors.ts';
import type { ModelErrorCode } from './types.ts';

/**
 * Comlink sends a thrown Error as {message, name, stack} and rebuilds a plain Error, losing ModelError's code.
 * This wraps comlink's own "throw" handler so a ModelError arrives as a ModelError with its code. Both sides
 * (worker and main thread) install it; installing twice is harmless.
 */
interface SerializedThrown {
  isError: boolean;
  value: { name?: string; message?: string; stack?: string; code?: ModelErrorCode } | unknown;
}

const INSTALLED = Symbol.for('code2lora.comlink-model-errors');

export function installModelErrorTransfer(): void {
  const registry = globalThis as { [INSTALLED]?: boolean };
  if (registry[INSTALLED]) return;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, SerializedThrown> | undefined;
  if (!original) return;
  const handler: TransferHandler<{ value: unknown }, SerializedThrown> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize(thrown) {
      const [serialized, transferables] = original.serialize(thrown);
      if (thrown.value instanceof ModelError && serialized.isError && typeof serialized.value === 'object' && serialized.value) {
        (serialized.value as { code?: ModelErrorCode }).code = thrown.value.code;
      }
      return [serialized, transferables];
    },
    deserialize(serialized) {
      const value = serialized.value as { name?: string; message?: string; stack?: string; code?: ModelErrorCode };
      if (serialized.isError && value && value.name === 'ModelError' && value.code) {
        const error = new ModelError(value.code, value.message ?? '');
        if (value.stack) error.stack = value.stack;
        throw error;
      }
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  registry[INSTALLED] = true;
}
