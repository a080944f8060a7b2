/**
 * The stop rules: the paper's (models/static/generate.py: the first newline or end of text, <= 64 new tokens), and
 * where the expression ends before the line does (src/core/python/expression-end.ts, the same rules as
 * models/static/expression_end.py).
 */
import { cursorLine, cutAtExpressionEnd, expressionEnd } from '../../core/python/expression-end.ts';
import type { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';
import { atCursor } from './prompts.ts';

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

/**
 * A decode as shown and scored: its first line, cut where its expression ends, without the leading spaces the
 * prompt gave up (Python: models/eval/predict.py shown_text, the same text for the same decode).
 */
export function shownCompletion(prefix: string, decoded: string): string {
  return atCursor(prefix, cutAtExpressionEnd(cursorLine(prefix), firstLine(decoded)));
}

/** The expression-end rules as a check on the ids decoded so far, for a completion at the end of `prefix`. */
export function expressionEndCheck(tokenizer: CodeTokenizer, prefix: string): (ids: readonly number[]) => boolean {
  const cursor = cursorLine(prefix);
  return (ids) => expressionEnd(cursor, tokenizer.decode(ids, true)) !== null;
}

/**
 * The ids the app's decoder would have kept: up to and including the first stop token, or the first id at which
 * `endsAt` holds (the expression-end rules).
 */
export function cutAtStop(
  ids: readonly number[],
  stops: ReadonlySet<number>,
  endsAt: (ids: readonly number[]) => boolean = () => false,
): number[] {
  for (let i = 0; i < ids.length; i++) {
    const kept = ids.slice(0, i + 1);
    if (stops.has(ids[i] as number) || endsAt(kept)) return kept;
  }
  return [...ids];
}
