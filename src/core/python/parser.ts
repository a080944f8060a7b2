/**
 * One loader for the Python grammar (web-tree-sitter 0.27 + tree-sitter-python's .wasm), platform-neutral:
 * where the two .wasm files come from is a platform adapter's job (parser-node.ts, parser-browser.ts).
 */
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** Where the runtime's and the grammar's .wasm files are: a URL string (fetched) or the bytes. */
export interface GrammarSource {
  /** web-tree-sitter.wasm; undefined lets web-tree-sitter find it next to its own module (works in Node). */
  readonly runtimeWasmUrl?: string;
  readonly grammarWasm: string | Uint8Array;
}

/** A parser for Python source text. */
export interface PythonParser {
  /** The syntax tree of `text`, or null when tree-sitter gives up. Indices are UTF-16 code units of `text`. */
  parse(text: string): Tree | null;
}

let runtimeReady: Promise<void> | undefined;

function initRuntime(runtimeWasmUrl: string | undefined): Promise<void> {
  // Parser.init instantiates one Emscripten module per realm; doing it twice is wasteful and racy.
  runtimeReady ??= Parser.init(
    runtimeWasmUrl === undefined ? {} : { locateFile: (name: string) => (name.endsWith('.wasm') ? runtimeWasmUrl : name) },
  ).catch((error: unknown) => {
    runtimeReady = undefined; // a failed fetch (offline, say) may succeed on the next attempt
    throw error;
  });
  return runtimeReady;
}

export async function loadPythonParser(source: GrammarSource): Promise<PythonParser> {
  await initRuntime(source.runtimeWasmUrl);
  const language = await Language.load(source.grammarWasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return { parse: (text: string) => parser.parse(text) };
}
