/** The paper's stop rules (models/static/generate.py): stop at the first newline or end of text, <= 64 new tokens. */
import type { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';

export const MAX_NEW_TOKENS = 64;

/** Ids whose text contains a newline, and the special tokens (end of text, pad). */
export function stopTokenIds(tokenizer: CodeTokenizer): Set<number> {
  const stops = new Set([tokenizer.endOfTextId, tokenizer.padId]);
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (!stops.has(id) && tokenizer.decode([id]).includes('\n')) stops.add(id);
  }
  return stops;
}

/** The completion as shown and scored: the generated text up to its first newline. */
export function firstLine(text: string): string {
  const cut = text.indexOf('\n');
  return cut < 0 ? text : text.slice(0, cut);
}
