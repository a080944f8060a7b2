/** Browser adapter: Vite emits both .wasm files as assets and gives their URLs. */
import runtimeWasmUrl from 'web-tree-sitter/web-tree-sitter.wasm?url';
import grammarWasmUrl from 'tree-sitter-python/tree-sitter-python.wasm?url';
import { loadPythonParser, type PythonParser } from './parser.ts';

export function loadPythonParserBrowser(): Promise<PythonParser> {
  return loadPythonParser({ runtimeWasmUrl, grammarWasm: grammarWasmUrl });
}
