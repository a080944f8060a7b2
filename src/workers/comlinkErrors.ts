import { transferHandlers } from 'comlink';

/**
 * Comlink's default 'throw' handler keeps only message, name and stack, so the `code` of our errors (GitError,
 * ModelError) would be lost between the worker and the UI. This handler keeps it. Import it for its effect on
 * both sides of every worker.
 */
interface SerializedError {
  isError: true;
  message: string;
  name: string;
  stack: string | undefined;
  code: string | undefined;
  details: unknown;
}
interface SerializedValue {
  isError: false;
  value: unknown;
}
type Serialized = SerializedError | SerializedValue;

interface ThrownValue {
  value: unknown;
}

function isThrown(v: unknown): v is ThrownValue {
  return typeof v === 'object' && v !== null && 'value' in v;
}

transferHandlers.set('throw', {
  canHandle: (value: unknown): value is ThrownValue => isThrown(value),
  serialize(thrown: ThrownValue): [Serialized, Transferable[]] {
    const { value } = thrown;
    if (value instanceof Error) {
      const withCode = value as Error & { code?: unknown; details?: unknown };
      return [
        {
          isError: true,
          message: value.message,
          name: value.name,
          stack: value.stack,
          code: typeof withCode.code === 'string' ? withCode.code : undefined,
          details: withCode.details,
        },
        [],
      ];
    }
    return [{ isError: false, value }, []];
  },
  deserialize(serialized: Serialized): never {
    if (serialized.isError) {
      const error = new Error(serialized.message) as Error & { code?: string; details?: unknown };
      error.name = serialized.name;
      if (serialized.stack) error.stack = serialized.stack;
      if (serialized.code) error.code = serialized.code;
      if (serialized.details !== undefined) error.details = serialized.details;
      throw error;
    }
    throw serialized.value;
  },
});
