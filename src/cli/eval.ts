/**
 * Score any Python repository with the completer, in Node (onnxruntime-web, WASM):
 *
 *   npm run eval -- --repo <path, git dir or source tarball> [--tasks file.jsonl [--name REPO] [--split S]]
 *                   [--track static|evolution] [--methods base,static,rag] [--limit N] [--models DIR] [--out file.json]
 *
 * Without --tasks the tasks are extracted from the repository's test files at HEAD (the static track), so anyone
 * can score any repository. --tasks takes the benchmark's JSONL (DESIGN.md section 5; --name and --split select
 * one repository's tasks of one split), e.g. a CR-test repository of the benchmark:
 *
 *   npm run eval -- --repo models/.cache/sources/<pkg>/<version>/<tarball> \
 *     --tasks models/.cache/bench/static.jsonl --name <pkg> --split cr_test File vectors are cached in .cache/file-vectors (by git blob id). Prints an EM/EditSim table
 * and writes the scores and predictions as JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { isTestFile } from '../core/python/file-roles.ts';
import { loadPythonParserNode } from '../core/python/parser-node.ts';
import { extractTasks } from '../core/tasks/extract.ts';
import type { TaskRecord } from '../core/tasks/types.ts';
import type { Method } from '../engine/completer/api.ts';
import { Completer } from '../engine/completer/completer.ts';
import { evaluateTasks, scoreTable, type EvalTask } from '../engine/completer/evaluate.ts';
import { isGitRepository, repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { FsVectorCache } from '../engine/completer/vector-cache-fs.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { execFileSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS: readonly Method[] = ['base', 'static', 'evo', 'rag'];

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    tasks: { type: 'string' },
    name: { type: 'string' },
    split: { type: 'string' },
    track: { type: 'string', default: 'static' },
    methods: { type: 'string', default: 'base,static,rag' },
    commits: { type: 'string', default: '20' },
    limit: { type: 'string' },
    models: { type: 'string', default: join(ROOT, 'public', 'models') },
    out: { type: 'string' },
    threads: { type: 'string', default: '1' },
  },
});

function fail(message: string): never {
  console.error(`eval: ${message}`);
  process.exit(2);
}

if (!values.repo) fail('--repo <path or git dir> is required');
const repo = resolve(values.repo);
const methods = (values.methods ?? '').split(',').filter(Boolean) as Method[];
for (const m of methods) if (!METHODS.includes(m)) fail(`unknown method "${m}" (one of ${METHODS.join(', ')})`);
if (values.track === 'evolution') {
  fail('the evolution track needs the Evo graphs (evo_init, evo_step, evo_head), which this model set does not have yet');
}
if (values.track !== 'static') fail(`unknown track "${values.track}" (static or evolution)`);

const files = repositoryPythonFiles(repo);
const name = values.name ?? basename(repo).replace(/\.git$/, '');
let tasks: EvalTask[];
if (values.tasks) {
  const records = readFileSync(values.tasks, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as TaskRecord);
  tasks = records.filter((t) => (!values.name || t.repo === values.name) && (!values.split || t.split === values.split));
} else {
  const parser = await loadPythonParserNode();
  const commit = isGitRepository(repo) ? execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD']).toString().trim() : 'worktree';
  tasks = files
    .filter((f) => isTestFile(f.path))
    .flatMap((f) => extractTasks(parser, f.path, f.text))
    .map((t) => ({ id: `${name}@${commit}:${t.path}:${t.line}:${t.column}`, prefix: t.prefix, target: t.target }));
}
if (values.limit) tasks = tasks.slice(0, Number(values.limit));
if (tasks.length === 0) fail('no tasks: the repository has no assertion sites in its test files');

ort.env.wasm.numThreads = Number(values.threads);
const host = new ModelHost({ fetchFn: fetchWithFiles });
const completer = new Completer(host, new FsVectorCache(join(ROOT, '.cache', 'file-vectors')));
await completer.prepare(manifestLocation(join(resolve(values.models ?? ''), 'manifest.json')));
if (methods.includes('static') && !completer.state.manifest.files.hypernet_static) {
  fail('--methods static needs hypernet_static.onnx in the model set');
}
console.error(`${name}: ${files.length} Python files, ${tasks.length} tasks, methods ${methods.join(', ')}`);
const result = await evaluateTasks(completer, files, tasks, methods, (method, done, total) => {
  if (done % 25 === 0 || done === total) console.error(`  ${method}: ${done}/${total}`);
});
await host.dispose();

console.log(scoreTable(result.scores));
const out = values.out ?? `eval-${name}.json`;
writeFileSync(out, JSON.stringify({ repo: name, track: values.track, tasks: tasks.length, ...result }, null, 1) + '\n');
console.error(`wrote ${out}`);
