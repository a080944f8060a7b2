import type { EvoStepInput } from '../../engine/completer/api.ts';
import { evoStepInput as stepOfChanges, type ChangedFile } from '../../engine/completer/commit-change.ts';
import type { FileChange } from '../../git/types.ts';
import { isProductionFile } from '../../core/python/file-roles.ts';

/** The production .py files among a commit's changes (test files are what the completer is scored on, not read). */
export function productionChanges(changes: readonly FileChange[]): FileChange[] {
  return changes.filter((c) => isProductionFile(c.path));
}

/** A git-layer change as the engine's commit-change code takes it (a side without the file is null). */
export function toChangedFile(c: FileChange): ChangedFile {
  return {
    path: c.path,
    before: c.oldOid === null ? null : { path: c.path, oid: c.oldOid, text: c.oldText ?? '' },
    after: c.newOid === null ? null : { path: c.path, oid: c.newOid, text: c.newText ?? '' },
  };
}

/**
 * What one Evo step reads of a commit, by the same code as the CLI's evolution track: each changed production file
 * as the encoder reads a change, keyed for the vector cache; no files at all means the state does not move.
 */
export function evoStepInput(commit: string, changes: readonly FileChange[]): EvoStepInput {
  return stepOfChanges(commit, productionChanges(changes).map(toChangedFile));
}
