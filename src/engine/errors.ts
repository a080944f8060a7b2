import type { ModelErrorCode } from './types.ts';

/**
 * Every failure of the model engine that a user can meet (bad manifest, missing or corrupt file, session or run
 * failure, lost GPU) is a ModelError with a code, so the UI can say what went wrong instead of crashing.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isModelError(value: unknown): value is ModelError {
  return value instanceof ModelError;
}

/** A one-line description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
