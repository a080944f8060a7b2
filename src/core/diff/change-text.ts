/**
 * What Code2LoRA-Evo's encoder reads of one file's change: the twin of change_text in models/evo/diff_text.py.
 * The new side of the file's diff with 3 lines of context (context and added lines, hunk after hunk, exactly as
 * they stand in the new file); removed lines are not read. An added file reads as the whole file, a deleted one as
 * one line naming it, a file absent on both sides as "".
 */
import { groupedOpcodes } from './opcodes.ts';
import { splitLinesKeepEnds } from './split-lines.ts';

export const CONTEXT_LINES = 3;

export function deletedFileText(path: string): string {
  return `# deleted file: ${path}\n`;
}

/** The encoder text of a change from `oldText` to `newText` ("" for a side where the file does not exist). */
export function changeText(path: string, oldText: string, newText: string): string {
  if (!newText) return oldText ? deletedFileText(path) : '';
  const oldLines = splitLinesKeepEnds(oldText);
  const newLines = splitLinesKeepEnds(newText);
  const parts: string[] = [];
  for (const group of groupedOpcodes(oldLines, newLines, CONTEXT_LINES)) {
    const first = group[0];
    const last = group[group.length - 1];
    if (first && last) parts.push(...newLines.slice(first.j1, last.j2));
  }
  return parts.join('');
}
