/** Prompt token ids inside the context budget: a twin of models/static/prompts.py (and tokens.py split_prompt). */

/**
 * The prompt text of a prefix: its trailing spaces move to the continuation, because byte-level BPE glues a space
 * to the next word (` expected` is one token), so a prompt ending in a space asks for a sequence never trained on.
 */
export function promptText(prefix: string): string {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === ' ') end--;
  return prefix.slice(0, end);
}

/** The completion to insert at the cursor: the spaces the prompt gave up are already typed, so they are dropped. */
export function atCursor(prefix: string, completion: string): string {
  let drop = prefix.length - promptText(prefix).length;
  let start = 0;
  while (drop > 0 && completion[start] === ' ') {
    start++;
    drop--;
  }
  return completion.slice(start);
}

/**
 * How many leading tokens to drop so that a prompt longer than one quantum has a multiple of it as length (the
 * Python side batches prompts of equal length, and trains with the same rule, so the models see what they are
 * scored on).
 */
export function quantizedCut(length: number, quantum: number): number {
  return quantum > 1 && length > quantum ? length % quantum : 0;
}

/** The prefix's tail within the budget; a prefix that fits whole starts like a pretraining document (EOT). */
export function prefixPrompt(prefix: readonly number[], budget: number, eot: number, quantum = 1): number[] {
  const full = prefix.length + 1 <= budget ? [eot, ...prefix] : prefix.slice(prefix.length - budget);
  return full.slice(quantizedCut(full.length, quantum));
}

/** Retrieved code first (best first, at most maxShare of the budget), then the prefix's tail with the whole budget
 * the other methods get: the context comes on top of it, so RAG never loses prefix to it. The prefix's start is cut
 * to a quantized total length. */
export function retrievalPrompt(
  prefix: readonly number[],
  chunks: readonly (readonly number[])[],
  budget: number,
  maxShare: number,
  eot: number,
  quantum = 1,
): number[] {
  const room = Math.floor(budget * maxShare);
  const context: number[] = [];
  for (const chunk of chunks) {
    context.push(...chunk.slice(0, Math.max(0, room - context.length)));
    if (context.length >= room) break;
  }
  const tail = prefix.length + 1 <= budget ? prefix : prefix.slice(prefix.length - budget);
  const cut = Math.min(tail.length, quantizedCut(1 + context.length + tail.length, quantum));
  return [eot, ...context, ...tail.slice(cut)];
}
