/**
 * The adapter the app saves, loaded by llama.cpp next to the same base, completes like the app (issue 19):
 *
 *   npm run llama-check -- --repo <path, git dir or tarball> [--tasks file.jsonl --name REPO --split S]
 *                          [--limit 20] [--method single] [--base model-f32.gguf|model.gguf]
 *                          [--models public/models/base] [--out benchmarks/llama-check-<name>.json]
 *
 * Tasks as `npm run eval` takes them (extracted from the repository's test files at HEAD, or benchmark records).
 * The app's engine saves the repository's adapter as GGUF (the "Take the adapter with you" file), completes each
 * task, and llama.cpp runs the same prompt ids on the base with that file loaded. --base defaults to the float32
 * rewrite of the pinned GGUF (`/usr/bin/python3 -m models.base.f32_gguf`), which holds exactly the weights the app's
 * graph dequantizes to; on the pinned Q4_1 file llama.cpp rounds activations to 8 bits, so near ties may part.
 * Also completes each task with the base alone, to show that the adapter changed what was written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { isTestFile } from '../core/python/file-roles.ts';
import { loadPythonParserNode } from '../core/python/parser-node.ts';
import { extractTasks } from '../core/tasks/extract.ts';
import { Completer } from '../engine/completer/completer.ts';
import { isGitRepository, repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { MemoryVectorCache } from '../engine/completer/vector-cache.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { BASE_FOLDER, changedByAdapter, compareWithLlama, runnerMissing, type CheckTask } from './llama-reference.ts';
import { repoPathProblem } from './repo-path.ts';
import { readTaskRecords } from './task-records.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS = ['single', 'static'] as const;

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    tasks: { type: 'string' },
    name: { type: 'string' },
    split: { type: 'string' },
    limit: { type: 'string', default: '20' },
    method: { type: 'string', default: 'single' },
    base: { type: 'string', default: join(BASE_FOLDER, 'model-f32.gguf') },
    models: { type: 'string', default: join(ROOT, 'public', 'models', 'base') },
    out: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`llama-check: ${message}`);
  process.exit(2);
}

if (!values.repo) fail('--repo <path, git dir or tarball> is required');
const repo = resolve(values.repo);
const problem = repoPathProblem(repo) ?? runnerMissing();
if (problem) fail(problem);
const method = values.method as (typeof METHODS)[number];
if (!METHODS.includes(method)) fail(`unknown method "${values.method}" (one of ${METHODS.join(', ')})`);
const limit = Number(values.limit);
if (!Number.isInteger(limit) || limit < 1) fail('--limit must be a positive integer');
const name = values.name ?? basename(repo).replace(/\.git$/, '');
const commit = isGitRepository(repo) ? execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD']).toString().trim() : 'worktree';

const files = repositoryPythonFiles(repo);
let tasks: CheckTask[];
if (values.tasks) {
  tasks = readTaskRecords(values.tasks, values.name, values.split);
} else {
  const parser = await loadPythonParserNode();
  tasks = files
    .filter((f) => isTestFile(f.path))
    .flatMap((f) => extractTasks(parser, f.path, f.text))
    .map((t) => ({ id: `${t.path}:${t.line}:${t.column}`, prefix: t.prefix }));
}
tasks = tasks.slice(0, limit);
if (tasks.length === 0) fail('no tasks: the repository has no assertion sites in its test files');

ort.env.wasm.numThreads = 1;
// llama.cpp runs the float32 rewrite of the base: the app's float graph is the one to compare with.
const host = new ModelHost({ fetchFn: fetchWithFiles, floatOnWasm: true });
const completer = new Completer(host, new MemoryVectorCache());
const work = mkdtempSync(join(tmpdir(), 'llama-check-'));
try {
  await completer.prepare(manifestLocation(join(resolve(values.models ?? ''), 'manifest.json')));
  const id = method === 'single' ? 'single' : (await completer.adapterFromFiles(files)).id;
  const saved = await completer.adapterFiles(id, { repository: name, commit });
  const adapterPath = join(work, `${saved.stem}.gguf`);
  writeFileSync(adapterPath, saved.gguf);
  const model = resolve(values.base ?? '');
  console.error(`${name}: ${tasks.length} tasks, ${method} adapter ${saved.stem}.gguf, llama.cpp on ${basename(model)}`);
  const rows = await compareWithLlama(completer, tasks, method, adapterPath, model, (row, done) => {
    console.error(`  ${done}/${tasks.length} ${row.identical ? 'same' : 'DIFFERENT'} ${JSON.stringify(row.app.rawText)}`);
  });
  const changed = await changedByAdapter(completer, tasks, rows);
  const identical = rows.filter((r) => r.identical).length;
  const report = {
    repo: name,
    commit,
    method,
    adapter: `${saved.stem}.gguf`,
    llama_base: basename(model),
    tasks: rows.length,
    identical,
    changed_by_adapter: changed,
    rows,
  };
  const out = values.out ?? join(ROOT, 'benchmarks', `llama-check-${name}.json`);
  writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
  console.log(`${name}: identical completions ${identical} of ${rows.length}; the adapter changed the base's completion on ${changed} of ${rows.length}`);
  console.error(`wrote ${out}`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  rmSync(work, { recursive: true, force: true });
  await host.dispose();
}
