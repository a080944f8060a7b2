/**
 * Parity of the TypeScript completer with the Python scorer on the benchmark's CR test sample (issue 7): the TS
 * CLI's evaluation must reproduce the Python pipeline's exact match within 0.5 points for every method.
 *
 *   npm run cr-parity -- [--predictions models/.cache/static/predictions/cr_test.jsonl] [--bench models/.cache/bench]
 *                        [--results models/results.json] [--models public/models] [--methods base,static,rag]
 *                        [--limit-repos N] [--repos a,b] [--tasks-out FILE] [--show N] [--out benchmarks/cr-parity.json]
 *                        [--float]
 *
 * models/eval/static_eval.py scores a seeded sample of CR test tasks (6 per repository) and writes every system's
 * completion of every scored task to the predictions file. For each repository there, this takes exactly those
 * tasks (records joined by id from the bench's static.jsonl, the repository's source tarball from repos.jsonl) and
 * scores them with the same code as `npm run eval` (evaluateTasks on a Completer over public/models, onnxruntime-web
 * WASM in Node), then compares per method, on the same tasks: EM of the TS completions (TS metric), EM of the Python
 * completions (TS metric, and as results.json reports it), and how many completions are identical.
 * --tasks-out writes the sample's task records as JSONL, so one repository can be cross-checked with the CLI:
 *   npm run eval -- --repo models/.cache/<tarball> --tasks FILE --name <repo> --split cr_test
 *
 * TS methods and Python systems: base = pretrained, static = static, rag = rag, single = single (the pretrained
 * base's set ships it as single_lora.onnx), memory = tests_memory (the repository's assertions in the prompt). The
 * repository-memory floors ("memory", "memory_earlier_only") are not models: no TS counterpart.
 * On WASM the base's set runs its 8-bit graph (lm_int8.onnx); its Python decodes come from models.eval.int8_parity,
 * which computes as that graph does. --float runs the float graph, for the scorer's float decodes.
 * Decoding differs by design: Python decodes under bf16 autocast on CPU, the TS engine in fp32 compute over
 * fp16-stored weights, so identical greedy outputs are measured here, not assumed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { score } from '../src/core/metric/index.ts';
import type { TaskRecord } from '../src/core/tasks/types.ts';
import type { Method } from '../src/engine/completer/api.ts';
import { shownCompletion } from '../src/engine/completer/stop-rules.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** TS method -> Python system of models/eval/static_eval.py. */
export const PYTHON_SYSTEM: Readonly<Record<string, string>> = {
  base: 'pretrained',
  static: 'static',
  rag: 'rag',
  single: 'single',
  memory: 'tests_memory',
};
/**
 * The Python system a TS method's completions compare with, for a model set with these files: the memory method
 * uses the LoRA trained on its prompt where the set has memory_lora.onnx (Python: single_memory).
 */
export function pythonSystemOf(method: string, files: Readonly<Record<string, unknown>> = {}): string {
  if (method === 'memory' && files.memory_lora) return 'single_memory';
  return PYTHON_SYSTEM[method] ?? method;
}

/** Python systems with no TS counterpart, and why. */
export const PYTHON_ONLY: Readonly<Record<string, string>> = {
  memory: 'non-neural repository-memory floor: not a model',
  memory_earlier_only: 'non-neural repository-memory floor: not a model',
};
export const TOLERANCE_POINTS = 0.5;

/** One row of models/.cache/static/predictions/<split>.jsonl: id, kind, target and one completion per system. */
export interface PredictionRow {
  id: string;
  kind: string;
  target: string;
  [system: string]: string | null;
}

export function parseJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

/** The repository of a task id "{repo}@{commit}:{path}:{line}:{column}". */
export function repoOfId(id: string): string {
  const at = id.indexOf('@');
  if (at <= 0) throw new Error(`task id without "@": ${id}`);
  return id.slice(0, at);
}

/**
 * A Python completion as the TS completer returns it: the raw decode (up to and including the stop token) cut to
 * its first line and where its expression ends, without the leading spaces the prompt gave up. Identical raw decodes give identical texts.
 */
export function pythonShown(prefix: string, raw: string | null | undefined): string {
  return shownCompletion(prefix, raw ?? '');
}

export interface TaskComparison {
  id: string;
  repo: string;
  target: string;
  ts: string;
  /** The Python completion as the completer would show it (pythonShown). */
  python: string;
  tsExact: boolean;
  pythonExact: boolean;
  tsEditSim: number;
  pythonEditSim: number;
}

export interface MethodComparison {
  method: string;
  pythonSystem: string;
  tasks: number;
  /** Percent, TS metric. */
  tsExactMatch: number;
  pythonExactMatch: number;
  /** ts - python, percentage points. */
  differencePoints: number;
  withinTolerance: boolean;
  tsEditSim: number;
  pythonEditSim: number;
  /** Percent of tasks whose TS and Python completions are the same text. */
  identicalPercent: number;
  identical: number;
  /** Percent of tasks where both are exact or both are not. */
  sameExactOutcomePercent: number;
  onlyTsExact: number;
  onlyPythonExact: number;
  /** Tasks where the TS metric scores the raw Python decode differently from its shown form (expected 0). */
  metricFormMismatches: number;
}

const percent = (a: number, n: number): number => (n === 0 ? 0 : (100 * a) / n);

/** Per-task comparison of one method: TS completions (task id -> text) against the Python rows' `system` key. */
export function compareTasks(
  tasks: readonly TaskRecord[],
  ts: Readonly<Record<string, string>>,
  python: ReadonlyMap<string, PredictionRow>,
  system: string,
): { rows: TaskComparison[]; metricFormMismatches: number } {
  let metricFormMismatches = 0;
  const rows = tasks.map((task) => {
    const row = python.get(task.id);
    if (!row) throw new Error(`no Python prediction for ${task.id}`);
    const tsText = ts[task.id];
    if (tsText === undefined) throw new Error(`no TS completion for ${task.id}`);
    const raw = row[system] ?? '';
    const shown = pythonShown(task.prefix, raw);
    const pythonScore = score(raw, task.target);
    if (score(shown, task.target).exactMatch !== pythonScore.exactMatch) metricFormMismatches++;
    const tsScore = score(tsText, task.target);
    return {
      id: task.id,
      repo: task.repo,
      target: task.target,
      ts: tsText,
      python: shown,
      tsExact: tsScore.exactMatch,
      pythonExact: pythonScore.exactMatch,
      tsEditSim: tsScore.editSim,
      pythonEditSim: pythonScore.editSim,
    };
  });
  return { rows, metricFormMismatches };
}

export function summarize(
  method: string,
  rows: readonly TaskComparison[],
  metricFormMismatches = 0,
  pythonSystem = pythonSystemOf(method),
): MethodComparison {
  const n = rows.length;
  const count = (f: (r: TaskComparison) => boolean): number => rows.filter(f).length;
  const sum = (f: (r: TaskComparison) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const tsExactMatch = percent(count((r) => r.tsExact), n);
  const pythonExactMatch = percent(count((r) => r.pythonExact), n);
  const differencePoints = tsExactMatch - pythonExactMatch;
  const identical = count((r) => r.ts === r.python);
  return {
    method,
    pythonSystem,
    tasks: n,
    tsExactMatch,
    pythonExactMatch,
    differencePoints,
    // A hair of slack for float rounding: one task of 204 is 0.490 points.
    withinTolerance: Math.abs(differencePoints) <= TOLERANCE_POINTS + 1e-9,
    tsEditSim: percent(sum((r) => r.tsEditSim), n),
    pythonEditSim: percent(sum((r) => r.pythonEditSim), n),
    identicalPercent: percent(identical, n),
    identical,
    sameExactOutcomePercent: percent(count((r) => r.tsExact === r.pythonExact), n),
    onlyTsExact: count((r) => r.tsExact && !r.pythonExact),
    onlyPythonExact: count((r) => !r.tsExact && r.pythonExact),
    metricFormMismatches,
  };
}

export function parityTable(methods: readonly MethodComparison[], reported: Readonly<Record<string, number | null>>): string {
  const f = (x: number): string => x.toFixed(2);
  return [
    '| method (Python system) | tasks | TS EM % | Python EM % (TS metric) | Python EM % (results.json) | TS - Python, points | within 0.5 | identical completions % | same EM outcome % | only TS exact | only Python exact |',
    '|---|---:|---:|---:|---:|---:|:-:|---:|---:|---:|---:|',
    ...methods.map((m) => {
      const rep = reported[m.pythonSystem];
      return `| ${m.method} (${m.pythonSystem}) | ${m.tasks} | ${f(m.tsExactMatch)} | ${f(m.pythonExactMatch)} | ${rep == null ? '-' : f(100 * rep)} | ${m.differencePoints >= 0 ? '+' : ''}${f(m.differencePoints)} | ${m.withinTolerance ? 'yes' : 'NO'} | ${f(m.identicalPercent)} | ${f(m.sameExactOutcomePercent)} | ${m.onlyTsExact} | ${m.onlyPythonExact} |`;
    }),
  ].join('\n');
}

/**
 * The records of the predicted ids, and every record of their repositories in file order: the pool the Python
 * scorer's memory prompt recalls from (models.data.bench.static_tasks).
 */
async function readRecords(path: string, ids: ReadonlySet<string>): Promise<{ found: Map<string, TaskRecord>; pools: Map<string, TaskRecord[]> }> {
  const found = new Map<string, TaskRecord>();
  const pools = new Map<string, TaskRecord[]>();
  const repos = new Set([...ids].map(repoOfId));
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    // Cheap pre-filter (the file is large): records written by Python start with their id.
    if (line.startsWith('{"id": "') && !repos.has(repoOfId(line.slice(8, line.indexOf('"', 8))))) continue;
    const record = JSON.parse(line) as TaskRecord;
    if (!repos.has(record.repo)) continue;
    pools.set(record.repo, [...(pools.get(record.repo) ?? []), record]);
    if (ids.has(record.id)) found.set(record.id, record);
  }
  return { found, pools };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const shown = (path: string): string => {
  const rel = relative(ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? '<outside the repository>' : rel;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      predictions: { type: 'string', default: join(ROOT, 'models/.cache/static/predictions/cr_test.jsonl') },
      bench: { type: 'string', default: join(ROOT, 'models/.cache/bench') },
      results: { type: 'string', default: join(ROOT, 'models/results.json') },
      models: { type: 'string', default: join(ROOT, 'public/models') },
      methods: { type: 'string', default: 'base,static,rag' },
      'limit-repos': { type: 'string' },
      repos: { type: 'string' },
      'tasks-out': { type: 'string' },
      show: { type: 'string', default: '8' },
      threads: { type: 'string', default: '1' },
      // The float graph on WASM too (the base's set names its 8-bit graph for WASM): for the float Python decodes.
      float: { type: 'boolean', default: false },
      out: { type: 'string', default: join(ROOT, 'benchmarks/cr-parity.json') },
    },
  });
  const started = Date.now();
  const predictionsPath = resolve(values.predictions);
  const benchDir = resolve(values.bench);
  const resultsPath = resolve(values.results);
  const modelsDir = resolve(values.models);
  const methods = values.methods.split(',').filter(Boolean) as Method[];
  for (const m of methods) if (!(m in PYTHON_SYSTEM)) throw new Error(`method "${m}" has no Python counterpart (${Object.keys(PYTHON_SYSTEM).join(', ')})`);

  // Same trained models on both sides?
  const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as {
    config: Record<string, { lm_id?: string }>;
    files: Record<string, { path: string; sha256: string }>;
  };
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as {
    lm_id?: string;
    splits?: Record<string, { systems: Record<string, { exact_match: { mean: number } }>; tasks?: number; repositories?: number }>;
  };
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    console.error(`\n!!!!!!!! WARNING: ${message}\n`);
  };
  const manifestLmIds = Object.fromEntries(
    Object.entries(manifest.config).flatMap(([k, v]) => (v && typeof v.lm_id === 'string' ? [[k, v.lm_id]] : [])),
  );
  for (const [graph, id] of Object.entries(manifestLmIds)) {
    if (id !== results.lm_id) warn(`public/models ${graph} was trained on LM ${id} but results.json is of LM ${results.lm_id}: not the same models`);
  }
  if (Object.keys(manifestLmIds).length === 0) warn('public/models/manifest.json names no lm_id: cannot check it is the LM results.json scored');
  const crResults = results.splits?.cr_test;
  if (!crResults) warn('results.json has no cr_test split');
  const reported: Record<string, number | null> = {};
  for (const system of [...Object.values(PYTHON_SYSTEM), 'single_memory', ...Object.keys(PYTHON_ONLY)]) {
    reported[system] = crResults?.systems[system]?.exact_match.mean ?? null;
  }
  const predictionsSha = sha256(predictionsPath);
  const resultsSha = sha256(resultsPath);

  const rows = parseJsonl<PredictionRow>(readFileSync(predictionsPath, 'utf8'));
  const python = new Map(rows.map((r) => [r.id, r]));
  const { found: records, pools } = await readRecords(join(benchDir, 'static.jsonl'), new Set(python.keys()));
  const missing = rows.filter((r) => !records.has(r.id));
  if (missing.length > 0) throw new Error(`${missing.length} predicted tasks are not in static.jsonl (first ${missing[0]?.id})`);
  for (const r of rows) {
    const record = records.get(r.id) as TaskRecord;
    if (record.target !== r.target) throw new Error(`target of ${r.id} differs between static.jsonl and the predictions`);
    if (record.split !== 'cr_test') warn(`${r.id} is in split ${record.split}, not cr_test`);
  }
  const repoRows = new Map(
    parseJsonl<{ repo: string; version: string; tarball: string; split: string }>(readFileSync(join(benchDir, 'repos.jsonl'), 'utf8')).map(
      (r) => [r.repo, r],
    ),
  );
  const byRepo = new Map<string, TaskRecord[]>();
  for (const r of rows) {
    const record = records.get(r.id) as TaskRecord;
    byRepo.set(record.repo, [...(byRepo.get(record.repo) ?? []), record]);
  }
  let repoNames = [...byRepo.keys()].sort();
  const allRepos = repoNames.length;
  if (values.repos) repoNames = repoNames.filter((n) => values.repos?.split(',').includes(n));
  if (values['limit-repos']) repoNames = repoNames.slice(0, Number(values['limit-repos']));
  const full = repoNames.length === allRepos;
  if (values['tasks-out']) {
    const sample = repoNames.flatMap((n) => byRepo.get(n) ?? []);
    writeFileSync(values['tasks-out'], sample.map((t) => JSON.stringify(t)).join('\n') + '\n');
    console.error(`wrote the ${sample.length} sample task records to ${values['tasks-out']}`);
  }

  // The same engine set-up as src/cli/eval.ts.
  const ort = await import('onnxruntime-web');
  const { Completer } = await import('../src/engine/completer/completer.ts');
  const { evaluateTasks } = await import('../src/engine/completer/evaluate.ts');
  const { repositoryPythonFiles } = await import('../src/engine/completer/node/repo-files.ts');
  const { FsVectorCache } = await import('../src/engine/completer/vector-cache-fs.ts');
  const { ModelHost } = await import('../src/engine/model-host.ts');
  const { fetchWithFiles, manifestLocation } = await import('../src/engine/node-fetch.ts');
  ort.env.wasm.numThreads = Number(values.threads);
  const host = new ModelHost({ fetchFn: fetchWithFiles, floatOnWasm: values.float });
  const completer = new Completer(host, new FsVectorCache(join(ROOT, '.cache', 'file-vectors')));
  await completer.prepare(manifestLocation(join(modelsDir, 'manifest.json')));
  // The LM graph WASM runs for this set (the base's 8-bit graph unless --float), named in the report.
  const lmGraph = host.graphFor('lm', 'wasm');

  const ts: Record<string, Record<string, string>> = Object.fromEntries(methods.map((m) => [m, {}]));
  const perRepo: { repo: string; version: string; tasks: number; pythonFiles: number; seconds: number }[] = [];
  for (const [i, name] of repoNames.entries()) {
    const t0 = Date.now();
    const tasks = byRepo.get(name) as TaskRecord[];
    const repoRow = repoRows.get(name);
    if (!repoRow) throw new Error(`${name} is not in repos.jsonl`);
    if (tasks.some((t) => t.commit !== repoRow.version)) warn(`${name}: task commit differs from repos.jsonl version ${repoRow.version}`);
    const files = repositoryPythonFiles(join(benchDir, '..', repoRow.tarball));
    const result = await evaluateTasks(completer, files, tasks, methods, undefined, pools.get(name) ?? []);
    for (const m of methods) Object.assign(ts[m] as Record<string, string>, result.predictions[m]);
    const seconds = (Date.now() - t0) / 1000;
    perRepo.push({ repo: name, version: repoRow.version, tasks: tasks.length, pythonFiles: files.length, seconds });
    const em = result.scores.map((s) => `${s.method} ${s.exactMatch.toFixed(0)}%`).join(', ');
    console.error(`[${i + 1}/${repoNames.length}] ${name}: ${files.length} files, ${tasks.length} tasks, ${seconds.toFixed(1)} s (TS EM ${em})`);
  }
  await host.dispose();

  const tasks = repoNames.flatMap((n) => byRepo.get(n) ?? []);
  const comparisons = methods.map((m) => {
    const system = pythonSystemOf(m, manifest.files);
    const { rows: taskRows, metricFormMismatches } = compareTasks(tasks, ts[m] as Record<string, string>, python, system);
    return { summary: summarize(m, taskRows, metricFormMismatches, system), taskRows };
  });
  // Python's own figure is over the whole sample; on the whole sample, the TS metric must give the same number.
  if (full) {
    for (const { summary } of comparisons) {
      const rep = reported[summary.pythonSystem];
      if (rep != null && Math.abs(100 * rep - summary.pythonExactMatch) > 1e-6) {
        warn(`${summary.pythonSystem}: results.json reports EM ${(100 * rep).toFixed(2)} % but the predictions file gives ${summary.pythonExactMatch.toFixed(2)} %: predictions and results.json are from different runs`);
      }
    }
  }
  if (sha256(predictionsPath) !== predictionsSha || sha256(resultsPath) !== resultsSha) {
    warn('the predictions file or results.json changed during this run: rerun');
  }
  const show = Number(values.show);
  const disagreements = comparisons.flatMap(({ summary, taskRows }) =>
    taskRows.filter((r) => r.ts !== r.python).map((r) => ({ method: summary.method, id: r.id, target: r.target, ts: r.ts, python: r.python, tsExact: r.tsExact, pythonExact: r.pythonExact })),
  );
  const seconds = (Date.now() - started) / 1000;
  const summaries = comparisons.map((c) => c.summary);

  console.log(`\nCR test sample: ${tasks.length} tasks of ${repoNames.length} repositories${full ? '' : ` (of ${allRepos}: results.json figures are of the whole sample)`}; LM ${results.lm_id}`);
  console.log(parityTable(summaries, reported));
  for (const [system, why] of Object.entries(PYTHON_ONLY)) {
    if (reported[system] != null) console.log(`Python only: ${system} EM ${(100 * (reported[system] as number)).toFixed(2)} % (${why})`);
  }
  console.log(`\nFirst disagreements (of ${disagreements.length}):`);
  for (const d of disagreements.slice(0, show)) {
    console.log(`  ${d.method} ${d.id} target ${JSON.stringify(d.target)}\n    TS     ${JSON.stringify(d.ts)}${d.tsExact ? ' (exact)' : ''}\n    Python ${JSON.stringify(d.python)}${d.pythonExact ? ' (exact)' : ''}`);
  }
  const pass = summaries.every((s) => s.withinTolerance);
  console.log(`\n${pass ? 'PASS' : 'FAIL'}: TS EM within ${TOLERANCE_POINTS} points of Python EM for ${pass ? 'every' : 'not every'} method; ${seconds.toFixed(0)} s`);
  for (const w of warnings) console.log(`WARNING: ${w}`);

  const ortVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as { version: string }).version;
  const report = {
    date: new Date().toISOString(),
    command: `npm run cr-parity${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).map((a) => (isAbsolute(a) ? shown(a) : a)).join(' ') : ''}`,
    seconds,
    pass,
    tolerancePoints: TOLERANCE_POINTS,
    warnings,
    lmId: { resultsJson: results.lm_id ?? null, manifest: manifestLmIds },
    models: Object.fromEntries(Object.entries(manifest.files).map(([k, v]) => [k, v.sha256])),
    inputs: {
      predictions: { path: shown(predictionsPath), sha256: predictionsSha },
      results: { path: shown(resultsPath), sha256: resultsSha },
      tasks: shown(join(benchDir, 'static.jsonl')),
    },
    decoding: {
      python:
        lmGraph === 'lm'
          ? 'models/eval/static_eval.py: PyTorch on CPU under bf16 autocast, argmax of float logits, prompts of equal length batched (16)'
          : 'models/eval/int8_parity.py: PyTorch on CPU computing as the 8-bit graph does (models/lm/int8.py), argmax of its logits',
      typescript: `onnxruntime-web ${ortVersion} WASM in Node ${process.version}, ${values.threads} thread(s), one prompt at a time, ${manifest.config.lm && (manifest.config.lm as Record<string, string | undefined>)[lmGraph === 'lm' ? 'weights' : 'wasm']}`,
      graph: manifest.files[lmGraph]?.path ?? lmGraph,
      greedy: 'both: at most 64 new tokens, stop at the first token whose text holds a newline (or a special token)',
    },
    sample: { repositories: repoNames.length, ofRepositories: allRepos, tasks: tasks.length, full },
    methods: summaries,
    pythonOnly: Object.fromEntries(Object.entries(PYTHON_ONLY).map(([k, why]) => [k, { exactMatchReported: reported[k] == null ? null : 100 * (reported[k] as number), why }])),
    pythonReportedExactMatch: Object.fromEntries(Object.entries(reported).map(([k, v]) => [k, v == null ? null : 100 * v])),
    perRepository: perRepo.map((r) => ({
      ...r,
      exactMatch: Object.fromEntries(
        comparisons.map(({ summary, taskRows }) => {
          const mine = taskRows.filter((t) => t.repo === r.repo);
          return [summary.method, { ts: mine.filter((t) => t.tsExact).length, python: mine.filter((t) => t.pythonExact).length, identical: mine.filter((t) => t.ts === t.python).length }];
        }),
      ),
    })),
    disagreements,
  };
  writeFileSync(resolve(values.out), JSON.stringify(report, null, 1) + '\n');
  console.error(`wrote ${shown(resolve(values.out))}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
