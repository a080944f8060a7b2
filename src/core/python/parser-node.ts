/** Node adapter: the grammar .wasm read from the installed `tree-sitter-python` package. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadPythonParser, type PythonParser } from './parser.ts';

export async function loadPythonParserNode(): Promise<PythonParser> {
  const require = createRequire(import.meta.url);
  const grammarPath = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
  return loadPythonParser({ grammarWasm: new Uint8Array(await readFile(grammarPath)) });
}
