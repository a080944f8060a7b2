/**
 * The memory prompt's text block, the twin of models/memory/prompt.py: the recalled assertions as comments, best
 * match last (nearest the cursor). As comments they cannot change what the prefix's code means.
 */
import type { Recalled } from './retriever.ts';

export const MEMORY_HEADER = "# Assertions in this repository's tests:\n";

/** Python slices strings by code point; so does this. */
function codePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length > max ? points.slice(0, max).join('') : text;
}

export function memoryBlock(recalled: readonly Recalled[], maxCharsPerLine = 200): string {
  if (recalled.length === 0) return '';
  return MEMORY_HEADER + [...recalled].reverse().map((r) => `# ${codePoints(r.assertion, maxCharsPerLine)}\n`).join('');
}

/** [eot] + the block's last maxBlock tokens + the prefix's tail within `budget`, cut at its start to a quantized
 * total length (the prompt rule every method shares). */
export function memoryPrompt(
  prefix: readonly number[],
  block: readonly number[],
  budget: number,
  maxBlock: number,
  eot: number,
  quantum = 1,
): number[] {
  const context = block.length > maxBlock ? block.slice(block.length - maxBlock) : block;
  const tail = prefix.length + 1 <= budget ? prefix : prefix.slice(prefix.length - budget);
  const total = 1 + context.length + tail.length;
  const cut = Math.min(tail.length, quantum > 1 && total > quantum ? total % quantum : 0);
  return [eot, ...context, ...tail.slice(cut)];
}
