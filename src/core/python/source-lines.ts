/**
 * A source file's lines, on JavaScript string indices (UTF-16 code units, the units web-tree-sitter reports
 * when it parses a string). Lines end at '\n' only, as in the Python extractor's byte-level line table.
 */
import { utf8Length } from './python-text.ts';

export class SourceLines {
  readonly text: string;
  /** Index of the first character of each line (line 1 at 0). */
  readonly lineStarts: readonly number[];

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line of the character at `index`. */
  lineOf(index: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= index) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  lineStart(line: number): number {
    return this.lineStarts[line - 1] as number;
  }

  /** 0-based column of `index` within its line, in UTF-8 bytes. */
  byteColumn(index: number): number {
    return utf8Length(this.text.slice(this.lineStart(this.lineOf(index)), index));
  }

  /** Whole lines first..last (1-based, inclusive) without the final line break; '' when last < first. */
  lines(first: number, last: number): string {
    const start = this.lineStart(first);
    const end = last < this.lineStarts.length ? (this.lineStarts[last] as number) - 1 : this.text.length;
    if (end < start) return '';
    return this.text.slice(start, end).replace(/[\r\n]+$/, '');
  }
}
