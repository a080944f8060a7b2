/**
 * The RAG baseline's retriever, a twin of models/static/rag.py: windows of `windowLines` consecutive lines of each
 * production file; a window scores the summed IDF of the query words (the test function being completed) it holds.
 */
import { pythonStrip } from '../../core/python/python-text.ts';
import { splitLinesKeepEnds } from './python-strings.ts';

const WORD = /[A-Za-z_][A-Za-z0-9_]{2,}/g;

export function words(text: string): Set<string> {
  return new Set(text.match(WORD) ?? []);
}

/** The enclosing test function: from its last `def` line on (or the last 1000 characters). */
export function queryText(prefix: string): string {
  const start = Math.max(prefix.lastIndexOf('\ndef '), prefix.lastIndexOf(' def '));
  if (start >= 0) return prefix.slice(start);
  // prefix[-1000:] counts code points; Array.from keeps surrogate pairs whole.
  const points = Array.from(prefix);
  return points.length > 1000 ? points.slice(points.length - 1000).join('') : prefix;
}

export class Retriever {
  readonly windows: string[] = [];
  private readonly windowWords: Set<string>[];
  private readonly idf = new Map<string, number>();

  /** `files` in the Python pipeline's order: sorted by path. */
  constructor(files: readonly { text: string }[], windowLines: number) {
    for (const { text } of files) {
      const lines = splitLinesKeepEnds(text);
      for (let start = 0; start < lines.length; start += windowLines) {
        const window = lines.slice(start, start + windowLines).join('');
        if (pythonStrip(window)) this.windows.push(window);
      }
    }
    this.windowWords = this.windows.map(words);
    const df = new Map<string, number>();
    for (const ws of this.windowWords) for (const w of ws) df.set(w, (df.get(w) ?? 0) + 1);
    const n = Math.max(this.windows.length, 1);
    for (const [w, c] of df) this.idf.set(w, Math.log(1 + n / c));
  }

  /** The k best windows, best first (ties: earlier window first; windows sharing no query word never count). */
  top(prefix: string, k: number): string[] {
    const query = [...words(queryText(prefix))].sort();
    const scored = this.windowWords.map((ws, i) => {
      let score = 0;
      for (const w of query) if (ws.has(w)) score += this.idf.get(w) as number;
      return { score, i };
    });
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    return scored.slice(0, k).filter((s) => s.score > 0).map((s) => this.windows[s.i] as string);
  }
}
