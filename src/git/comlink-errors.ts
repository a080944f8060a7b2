import { transferHandlers, type TransferHandler } from 'comlink';
import { GitError } from './errors.ts';
import type { GitErrorCode } from './types.ts';

interface SerializedThrow {
  isError: boolean;
  value: { message?: string; name?: string; stack?: string; code?: GitErrorCode } | unknown;
}

let installed = false;

/**
 * comlink sends a thrown Error as {message, name, stack} only, so the GitError code would be lost on the way
 * from the git worker to the UI. This wraps comlink's 'throw' handler (on both sides) to carry the code and to
 * rebuild a real GitError on the receiving side.
 */
export function installGitErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, SerializedThrow> | undefined;
  if (!original) throw new Error('comlink has no throw handler to extend');
  const extended: TransferHandler<{ value: unknown }, SerializedThrow> = {
    canHandle: original.canHandle,
    serialize(thrown) {
      const [serialized, transfer] = original.serialize(thrown);
      if (thrown.value instanceof GitError && serialized.isError) {
        serialized.value = { ...(serialized.value as object), code: thrown.value.code };
      }
      return [serialized, transfer];
    },
    deserialize(serialized) {
      const value = serialized.value as { name?: string; code?: GitErrorCode; message?: string } | null;
      if (serialized.isError && value?.name === 'GitError' && value.code) {
        throw new GitError(value.code, value.message ?? value.code);
      }
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', extended as TransferHandler<unknown, unknown>);
  installed = true;
}
