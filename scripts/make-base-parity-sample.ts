/**
 * The committed sample behind the CI check of the TypeScript engine on the pretrained base against the Python
 * scorer (src/engine/completer/base-parity.test.ts): one CR test repository's assertion tasks (the memory pool) and
 * the Python completions of a few of them for every method the base set serves in TypeScript.
 *
 *   npm run make-base-parity-sample -- [--repo jpylyzer] [--tasks 4]
 *     [--predictions models/.cache/static/predictions/smollm2-135m-instruct-q4_1/cr_test.jsonl] [--bench models/.cache/bench]
 *
 * The full comparison is `npm run cr-parity` (benchmarks/cr-parity-base*.json); this keeps a few tasks in CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { TaskRecord } from '../src/core/tasks/types.ts';
import { parseJsonl, pythonSystemOf, repoOfId, type PredictionRow } from './cr-parity.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SAMPLE_PATH = join(ROOT, 'models/export/fixtures/base_cr_sample.json.gz');
/** The base set's methods that have a Python twin. */
export const SAMPLE_METHODS = ['base', 'single', 'memory'] as const;

export interface BaseParitySample {
  repo: string;
  predictions: string;
  /** Every task of the repository (the memory pool), in the benchmark's order. */
  pool: Pick<TaskRecord, 'id' | 'path' | 'line' | 'prefix' | 'target'>[];
  /** Method -> the Python system its completions come from (memory: with or without the LoRA trained on it). */
  systems?: Record<string, string>;
  /** Task id -> method -> the Python scorer's raw completion. */
  python: Record<string, Record<string, string>>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repo: { type: 'string', default: 'jpylyzer' },
      tasks: { type: 'string', default: '4' },
      predictions: { type: 'string', default: join(ROOT, 'models/.cache/static/predictions/smollm2-135m-instruct-q4_1/cr_test.jsonl') },
      bench: { type: 'string', default: join(ROOT, 'models/.cache/bench') },
    },
  });
  const rows = parseJsonl<PredictionRow>(readFileSync(values.predictions, 'utf8')).filter((r) => repoOfId(r.id) === values.repo);
  const pool = parseJsonl<TaskRecord>(readFileSync(join(values.bench, 'static.jsonl'), 'utf8'))
    .filter((t) => t.repo === values.repo)
    .map(({ id, path, line, prefix, target }) => ({ id, path, line, prefix, target }));
  const chosen = rows.sort((a, b) => a.id.localeCompare(b.id)).slice(0, Number(values.tasks));
  // The base set's files decide which Python system each method is (memory_lora.onnx: the memory-trained LoRA).
  const files = (JSON.parse(readFileSync(join(ROOT, 'public/models/base/manifest.json'), 'utf8')) as { files: Record<string, unknown> }).files;
  const systems = Object.fromEntries(SAMPLE_METHODS.map((m) => [m, pythonSystemOf(m, files)]));
  const python: Record<string, Record<string, string>> = {};
  for (const row of chosen) {
    python[row.id] = {};
    for (const m of SAMPLE_METHODS) {
      const raw = row[pythonSystemOf(m, files)];
      if (typeof raw !== 'string') throw new Error(`${row.id} has no Python ${m} completion`);
      (python[row.id] as Record<string, string>)[m] = raw;
    }
  }
  const sample: BaseParitySample = {
    repo: values.repo,
    predictions: 'models.eval.static_eval, CR test, smollm2-135m-instruct-q4_1',
    pool,
    systems,
    python,
  };
  writeFileSync(SAMPLE_PATH, gzipSync(JSON.stringify(sample), { level: 9 }));
  console.log(`${pool.length} pool tasks, ${chosen.length} sampled, ${SAMPLE_PATH.slice(ROOT.length)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
