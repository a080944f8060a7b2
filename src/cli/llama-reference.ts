/**
 * The app's completions against llama.cpp with the adapter file the app saves (issue 19): the same prompt ids, the
 * app's engine (Completer, onnxruntime-web) on one side, llama.cpp (scripts/llama-reference, node-llama-cpp) on the
 * pinned base with our GGUF LoRA loaded on the other. llama.cpp decodes without stop rules, so its greedy ids are
 * cut where the app's stop rules would have stopped, and the two completions are compared as decoded text and as
 * token counts. Used by `npm run llama-check` and its CI test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompletionResult } from '../engine/completer/api.ts';
import type { Completer } from '../engine/completer/completer.ts';
import { cutAtStop, expressionEndCheck } from '../engine/completer/stop-rules.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RUNNER = join(ROOT, 'scripts', 'llama-reference', 'reference.mjs');
/** Where models.base.setup keeps the pinned base (and models.base.f32_gguf its float32 rewrite). */
export const BASE_FOLDER = join(ROOT, 'models', '.cache', 'base', 'smollm2-135m-instruct-q4_1');

export interface CheckTask {
  id: string;
  prefix: string;
}

export interface LlamaPrompt {
  id: string;
  text: string;
  ids: number[];
}

/** One task: the app's completion and llama.cpp's, cut by the app's stop rules. */
export interface CheckRow {
  id: string;
  promptTokens: number;
  app: { rawText: string; newTokens: number };
  llama: { rawText: string; newTokens: number; ids: number[] };
  identical: boolean;
}

export function runnerMissing(): string | null {
  if (!existsSync(join(ROOT, 'scripts', 'llama-reference', 'node_modules', 'node-llama-cpp'))) {
    return 'the llama.cpp runner is not installed: run `npm install` in scripts/llama-reference';
  }
  return null;
}

/** llama.cpp's greedy ids per prompt id (fresh context per prompt, pure argmax, no stop, float32 KV cache). */
export function llamaGreedy(model: string, adapter: string, prompts: LlamaPrompt[], maxNewTokens: number): Map<string, number[]> {
  const missing = runnerMissing();
  if (missing) throw new Error(missing);
  const work = mkdtempSync(join(tmpdir(), 'llama-check-'));
  try {
    const spec = join(work, 'prompts.json');
    const out = join(work, 'out.json');
    writeFileSync(spec, JSON.stringify({ max_new_tokens: maxNewTokens, top_k: 1, lora: adapter, prompts }));
    execFileSync('node', [RUNNER, model, spec, out], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as { results: { id: string; greedy: number[] }[] };
    return new Map(parsed.results.map((r) => [r.id, r.greedy]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}


/**
 * Completes every task with `method` in the app's engine and in llama.cpp (adapter file `adapter` on `model`), on
 * the prompt ids the app builds. `onRow` reports progress.
 */
export async function compareWithLlama(
  completer: Completer,
  tasks: readonly CheckTask[],
  method: 'single' | 'static' | 'evo',
  adapter: string,
  model: string,
  onRow?: (row: CheckRow, done: number) => void,
): Promise<CheckRow[]> {
  const { tokenizer, settings, stops } = completer.state;
  const app: CompletionResult[] = [];
  const prompts: LlamaPrompt[] = [];
  for (const task of tasks) {
    const request = { prefix: task.prefix, method };
    const ids = completer.prompt(request);
    prompts.push({ id: task.id, text: tokenizer.decode(ids, false), ids });
    app.push(await completer.complete(request));
  }
  const theirs = llamaGreedy(model, adapter, prompts, settings.maxNewTokens);
  return tasks.map((task, i) => {
    const ours = app[i];
    const greedy = theirs.get(task.id);
    if (!ours || !greedy) throw new Error(`no completion for ${task.id}`);
    const kept = cutAtStop(greedy, stops, expressionEndCheck(tokenizer, task.prefix));
    const rawText = tokenizer.decode(kept, true);
    const row: CheckRow = {
      id: task.id,
      promptTokens: ours.promptTokens,
      app: { rawText: ours.rawText, newTokens: ours.newTokens },
      llama: { rawText, newTokens: kept.length, ids: kept },
      identical: rawText === ours.rawText && kept.length === ours.newTokens,
    };
    onRow?.(row, i + 1);
    return row;
  });
}

/** How many rows' app completions differ from the base's own (agreement must not be agreement of the base alone). */
export async function changedByAdapter(completer: Completer, tasks: readonly CheckTask[], rows: readonly CheckRow[]): Promise<number> {
  let changed = 0;
  for (const task of tasks) {
    const base = await completer.complete({ prefix: task.prefix, method: 'base' });
    if (base.rawText !== rows.find((r) => r.id === task.id)?.app.rawText) changed++;
  }
  return changed;
}
