/** Prompt token ids inside the context budget: a twin of models/static/prompts.py. */

/** The prefix's tail within the budget; a prefix that fits whole starts like a pretraining document (EOT). */
export function prefixPrompt(prefix: readonly number[], budget: number, eot: number): number[] {
  if (prefix.length + 1 <= budget) return [eot, ...prefix];
  return prefix.slice(prefix.length - budget);
}

/** Retrieved code first (best first, at most maxShare of the budget), then the prefix's tail in the rest. */
export function retrievalPrompt(
  prefix: readonly number[],
  chunks: readonly (readonly number[])[],
  budget: number,
  maxShare: number,
  eot: number,
): number[] {
  const room = Math.floor(budget * maxShare);
  const context: number[] = [];
  for (const chunk of chunks) {
    context.push(...chunk.slice(0, Math.max(0, room - context.length)));
    if (context.length >= room) break;
  }
  const rest = budget - context.length - 1;
  // Python's prefix[len - rest:] with rest <= 0 would take from a non-positive start; the budget keeps rest > 0.
  const tail = prefix.length > rest ? prefix.slice(prefix.length - rest) : prefix;
  return [eot, ...context, ...tail];
}
