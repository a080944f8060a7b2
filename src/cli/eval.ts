/**
 * Score any Python repository with the completer, in Node (onnxruntime-web, WASM):
 *
 *   npm run eval -- --repo <path, git dir or source tarball> [--tasks file.jsonl [--name REPO] [--split S]]
 *                   [--track static|evolution] [--commits N] [--methods base,static,evo,rag,single,memory]
 *                   [--limit N] [--models DIR] [--out file.json] [--float]
 *
 * With the pretrained base's set (--models public/models/base) the default methods are base,single,memory,rag:
 * 'single' is its shared LoRA, 'memory' puts the repository's other assertions in the prompt (every assertion site
 * of the repository, or of --tasks' repository, is the pool).
 *
 * Static track (default): without --tasks the tasks are extracted from the repository's test files at HEAD, so
 * anyone can score any repository. --tasks takes the benchmark's JSONL (DESIGN.md section 5; --name and --split
 * select one repository's tasks of one split), e.g. a CR-test repository of the benchmark:
 *
 *   npm run eval -- --repo models/.cache/sources/<pkg>/<version>/<tarball> \
 *     --tasks models/.cache/bench/static.jsonl --name <pkg> --split cr_test
 *
 * Evolution track (a git repository): over the last N (--commits, default 20) first-parent commits, Evo starts from
 * the snapshot at the first of them and takes one step per later commit; each later commit's tasks (the assertion
 * sites it adds or modifies in test files, at most 8; or with --tasks the records of that commit) are scored with
 * the Evo adapter that has consumed the commit, the Static adapter of the snapshot at the commit, base and RAG
 * (default methods: base,static,evo,rag). See eval-evolution.ts.
 *
 * On WASM a model set's graph may name an 8-bit version to run in its place (the base's lm_int8.onnx); --float runs
 * the float graph, the one the Python scorer decodes with.
 *
 * File vectors are cached in .cache/file-vectors (by git blob id). Prints an EM/EditSim table and writes the scores
 * and predictions as JSON.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { isTestFile } from '../core/python/file-roles.ts';
import { loadPythonParserNode } from '../core/python/parser-node.ts';
import { extractTasks } from '../core/tasks/extract.ts';
import type { Method } from '../engine/completer/api.ts';
import { Completer } from '../engine/completer/completer.ts';
import { evaluateTasks, scoreTable, type EvalTask, type MethodScores } from '../engine/completer/evaluate.ts';
import { missingEvoGraphs } from '../engine/completer/evo-graphs.ts';
import { describeSkipped, isGitRepository, noSkips, repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { FsVectorCache } from '../engine/completer/vector-cache-fs.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { evolutionTrack } from './eval-evolution.ts';
import { repoPathProblem } from './repo-path.ts';
import { readTaskRecords } from './task-records.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS: readonly Method[] = ['base', 'static', 'evo', 'rag', 'single', 'memory'];
const DEFAULT_METHODS: Record<string, string> = { static: 'base,static,rag', evolution: 'base,static,evo,rag' };
/** A model set without a hypernetwork (the pretrained base): the methods it serves. */
const BASE_SET_METHODS = 'base,single,memory,rag';

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    tasks: { type: 'string' },
    name: { type: 'string' },
    split: { type: 'string' },
    track: { type: 'string', default: 'static' },
    methods: { type: 'string' },
    commits: { type: 'string', default: '20' },
    limit: { type: 'string' },
    models: { type: 'string', default: join(ROOT, 'public', 'models') },
    out: { type: 'string' },
    threads: { type: 'string', default: '1' },
    // The float graph on WASM too, instead of the 8-bit one a model set names for it (what the Python scorer runs).
    float: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`eval: ${message}`);
  process.exit(2);
}

if (!values.repo) fail('--repo <path or git dir> is required');
const track = values.track ?? 'static';
if (!(track in DEFAULT_METHODS)) fail(`unknown track "${track}" (static or evolution)`);
const repo = resolve(values.repo);
const pathProblem = repoPathProblem(repo);
if (pathProblem) fail(pathProblem);
const requestedMethods = values.methods?.split(',').filter(Boolean) as Method[] | undefined;
for (const m of requestedMethods ?? []) if (!METHODS.includes(m)) fail(`unknown method "${m}" (one of ${METHODS.join(', ')})`);
const commitCount = Number(values.commits);
if (track === 'evolution') {
  if (!isGitRepository(repo)) fail('--track evolution needs a git repository (it follows the first-parent history)');
  if (!Number.isInteger(commitCount) || commitCount < 2) fail('--commits must be an integer of at least 2');
}
const name = values.name ?? basename(repo).replace(/\.git$/, '');
const records = values.tasks ? readTaskRecords(values.tasks, values.name, values.split) : undefined;
const limit = values.limit ? Number(values.limit) : undefined;
const parser = await loadPythonParserNode();

ort.env.wasm.numThreads = Number(values.threads);
const host = new ModelHost({ fetchFn: fetchWithFiles, floatOnWasm: values.float });
const completer = new Completer(host, new FsVectorCache(join(ROOT, '.cache', 'file-vectors')));
await completer.prepare(manifestLocation(join(resolve(values.models ?? ''), 'manifest.json')));
const { manifest } = completer.state;
const methods =
  requestedMethods ??
  ((manifest.files.hypernet_static ? DEFAULT_METHODS[track] : track === 'evolution' ? 'base,rag' : BASE_SET_METHODS) as string)
    .split(',')
    .filter(Boolean) as Method[];
if (methods.includes('single') && !manifest.files.single_lora) fail('--methods single needs single_lora.onnx in the model set');
if (track === 'evolution' && (methods.includes('single') || methods.includes('memory'))) {
  fail('the evolution track scores base, static, evo and rag');
}
if (methods.includes('static') && !manifest.files.hypernet_static) fail('--methods static needs hypernet_static.onnx in the model set');
if (methods.includes('evo') && missingEvoGraphs(manifest).length > 0) {
  fail(`--methods evo needs the Evo graphs (missing ${missingEvoGraphs(manifest).join(', ')} in the model set)`);
}

let report: Record<string, unknown>;
let scores: MethodScores[];
if (track === 'evolution') {
  // What the window's last commit leaves out, and why (each step reads its own commit the same way).
  const skippedAtHead = noSkips();
  repositoryPythonFiles(repo, 'HEAD', skippedAtHead);
  const skippedLine = describeSkipped(skippedAtHead);
  if (skippedLine) console.error(`${name} at HEAD: ${skippedLine}`);
  const result = await evolutionTrack(completer, parser, { repo, name, commits: commitCount, methods, records, limit });
  const tasks = result.commits.reduce((n, c) => n + c.tasks, 0);
  if (tasks === 0) console.error(`${name}: no commit of the window adds or modifies an assertion (no tasks)`);
  scores = result.scores;
  report = { repo: name, track, tasks, ...result };
} else {
  const skipped = noSkips();
  const files = repositoryPythonFiles(repo, undefined, skipped);
  const skippedLine = describeSkipped(skipped);
  if (skippedLine) console.error(`${name}: ${skippedLine}`);
  let tasks: EvalTask[];
  if (records) {
    tasks = records;
  } else {
    const commit = isGitRepository(repo) ? execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD']).toString().trim() : 'worktree';
    tasks = files
      .filter((f) => isTestFile(f.path))
      .flatMap((f) => extractTasks(parser, f.path, f.text))
      .map((t) => ({ id: `${name}@${commit}:${t.path}:${t.line}:${t.column}`, prefix: t.prefix, target: t.target, path: t.path, line: t.line }));
  }
  // 'memory' recalls from every assertion of the repository, also those --limit leaves unscored.
  const pool = tasks;
  if (limit !== undefined) tasks = tasks.slice(0, limit);
  if (tasks.length === 0) fail('no tasks: the repository has no assertion sites in its test files');
  console.error(`${name}: ${files.length} Python files, ${tasks.length} tasks, methods ${methods.join(', ')}`);
  const result = await evaluateTasks(
    completer,
    files,
    tasks,
    methods,
    (method, done, total) => {
      if (done % 25 === 0 || done === total) console.error(`  ${method}: ${done}/${total}`);
    },
    pool,
  );
  scores = result.scores;
  report = { repo: name, track, tasks: tasks.length, ...result };
}
await host.dispose();

console.log(scoreTable(scores));
const out = values.out ?? `eval-${name}${track === 'evolution' ? '-evolution' : ''}.json`;
writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
console.error(`wrote ${out}`);
