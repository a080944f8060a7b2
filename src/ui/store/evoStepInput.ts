import type { EvoStepInput } from '../../engine/completer/api.ts';
import type { FileChange } from '../../git/types.ts';
import { changeText } from '../../core/diff/index.ts';
import { isProductionFile } from '../../core/python/file-roles.ts';

/** The production .py files among a commit's changes (test files are what the completer is scored on, not read). */
export function productionChanges(changes: readonly FileChange[]): FileChange[] {
  return changes.filter((c) => isProductionFile(c.path));
}

/**
 * What one Evo step reads of a commit: each changed production file as the encoder reads a change (the new side
 * of its diff with context; a deleted file is one line naming it), keyed by its old and new blob ids. A change with
 * nothing to read is left out; no files at all means the state does not move.
 */
export function evoStepInput(commit: string, changes: readonly FileChange[]): EvoStepInput {
  const files = productionChanges(changes)
    .map((c) => ({
      path: c.path,
      oid: `${c.oldOid ?? ''}:${c.newOid ?? ''}`,
      text: changeText(c.path, c.oldText ?? '', c.newText ?? ''),
    }))
    .filter((f) => f.text !== '');
  return { commit, files };
}
