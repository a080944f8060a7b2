/**
 * The benchmark's completion metric: exact match tolerant of over-generation, and EditSim.
 * Twin of models/eval/metric.py (read its docstring for the rules); the golden file
 * models/eval/golden/metric_cases.jsonl pins both.
 */
import { sequenceRatio } from './sequence-matcher.ts';

export interface Score {
  readonly exactMatch: boolean;
  /** difflib ratio of the compared strings, in [0, 1]. */
  readonly editSim: number;
}

// Only ASCII whitespace: JavaScript's \s and Python's \s disagree on some Unicode spaces.
const WHITESPACE_RUN = /[ \t\n\r\f\v]+/g;
const LINE_BREAK = /\r\n|\r|\n/;
const TRAILING_SEPARATORS = ',;:';
const CLOSER_TO_OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

function stripSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start++;
  while (end > start && text[end - 1] === ' ') end--;
  return text.slice(start, end);
}

function rstripSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') end--;
  return text.slice(0, end);
}

function occurrences(text: string, character: string): number {
  return text.split(character).length - 1;
}

export function collapseWhitespace(text: string): string {
  return stripSpaces(text.replace(WHITESPACE_RUN, ' '));
}

/** Strip trailing `,;:` and unmatched closing brackets, repeatedly (whitespace between them too). */
export function stripTrailingPunctuation(text: string): string {
  let rest = text;
  while (rest.length > 0) {
    const last = rest[rest.length - 1] as string;
    const opener = CLOSER_TO_OPENER[last];
    const strip =
      TRAILING_SEPARATORS.includes(last) || (opener !== undefined && occurrences(rest, last) > occurrences(rest, opener));
    if (!strip) break;
    rest = rstripSpaces(rest.slice(0, -1));
  }
  return rest;
}

export function normalize(text: string): string {
  return stripTrailingPunctuation(collapseWhitespace(text));
}

/** The over-generation rules: first line(s), comma cut, whitespace collapse, first word. */
export function trimPrediction(prediction: string, reference: string): string {
  const referenceLines = reference.split(LINE_BREAK).length;
  let trimmed = prediction.split(LINE_BREAK).slice(0, referenceLines).join('\n');
  if (!reference.includes(',')) trimmed = trimmed.split(',', 1)[0] as string;
  trimmed = collapseWhitespace(trimmed);
  if (!collapseWhitespace(reference).includes(' ')) trimmed = trimmed.split(' ', 1)[0] as string;
  return trimmed;
}

/** [normalised trimmed prediction, normalised reference]: the strings both measures compare. */
export function comparablePair(prediction: string, reference: string): [string, string] {
  return [normalize(trimPrediction(prediction, reference)), normalize(reference)];
}

export function score(prediction: string, reference: string): Score {
  const [p, r] = comparablePair(prediction, reference);
  return { exactMatch: p === r, editSim: sequenceRatio(p, r) };
}

export function exactMatch(prediction: string, reference: string): boolean {
  return score(prediction, reference).exactMatch;
}

export function editSimilarity(prediction: string, reference: string): number {
  return score(prediction, reference).editSim;
}
