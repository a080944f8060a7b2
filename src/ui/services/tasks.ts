import { loadPythonParserBrowser } from '../../core/python/parser-browser.ts';
import type { PythonParser } from '../../core/python/parser.ts';
import { extractTasks } from '../../core/tasks/extract.ts';
import type { ExtractedTask } from '../../core/tasks/types.ts';
import type { SourceFile } from '../../engine/completer/api.ts';

let parser: Promise<PythonParser> | null = null;

/** The assertion tasks of test files, by the benchmark's own rules (the same extractor as the CLI's). */
export async function tasksOfFiles(files: SourceFile[]): Promise<ExtractedTask[]> {
  parser ??= loadPythonParserBrowser();
  const p = await parser;
  const tasks: ExtractedTask[] = [];
  for (const f of files) {
    tasks.push(...extractTasks(p, f.path, f.text));
    // Parsing is quick per file, but a big test suite should not hold the UI thread in one go.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return tasks;
}

/** Offset (UTF-16 index into `text`) of a 1-based line and a 0-based UTF-8 byte column. */
export function offsetOf(text: string, line: number, byteColumn: number): number {
  let lineStart = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) return text.length;
    lineStart = nl + 1;
  }
  const encoder = new TextEncoder();
  let bytes = 0;
  let i = lineStart;
  while (i < text.length && bytes < byteColumn) {
    const code = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(code);
    bytes += encoder.encode(ch).length;
    i += ch.length;
  }
  return i;
}
