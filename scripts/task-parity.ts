/**
 * By-hand parity check of the TypeScript task extractor against the Python one over real repositories:
 *   /usr/bin/python3 -m models.eval.task_cases --out CASES.jsonl   (test files + Python's tasks)
 *   node --import tsx scripts/task-parity.ts CASES.jsonl [--show N]
 * Prints the agreement figures and the first N differing files.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadPythonParserNode } from '../src/core/python/parser-node.ts';
import { extractTasks } from '../src/core/tasks/extract.ts';
import type { ExtractedTask } from '../src/core/tasks/types.ts';

interface Case {
  repo: string;
  path: string;
  text: string;
  tasks: ExtractedTask[];
}

const FIELDS = ['path', 'line', 'column', 'kind', 'prefix', 'target', 'function', 'statement'] as const;

function key(task: ExtractedTask): string {
  return JSON.stringify(FIELDS.map((field) => task[field]));
}

const [casesPath, ...options] = process.argv.slice(2);
if (!casesPath) throw new Error('usage: task-parity.ts CASES.jsonl [--show N]');
const showIndex = options.indexOf('--show');
const show = showIndex >= 0 ? Number(options[showIndex + 1]) : 5;

const parser = await loadPythonParserNode();
let files = 0;
let identicalFiles = 0;
let pythonTasks = 0;
let typescriptTasks = 0;
let commonTasks = 0;
let shown = 0;
const lines = createInterface({ input: createReadStream(casesPath, 'utf-8'), crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const c = JSON.parse(line) as Case;
  const ours = extractTasks(parser, c.path, c.text);
  files++;
  pythonTasks += c.tasks.length;
  typescriptTasks += ours.length;
  const remaining = new Map<string, number>();
  for (const t of c.tasks) remaining.set(key(t), (remaining.get(key(t)) ?? 0) + 1);
  for (const t of ours) {
    const left = remaining.get(key(t)) ?? 0;
    if (left > 0) {
      commonTasks++;
      remaining.set(key(t), left - 1);
    }
  }
  const identical = ours.length === c.tasks.length && ours.every((t, i) => key(t) === key(c.tasks[i] as ExtractedTask));
  if (identical) identicalFiles++;
  else if (shown < show) {
    shown++;
    const pythonKeys = new Set(c.tasks.map(key));
    const oursKeys = new Set(ours.map(key));
    console.log(`--- ${c.repo} ${c.path}: python ${c.tasks.length}, typescript ${ours.length}`);
    for (const t of c.tasks.filter((t) => !oursKeys.has(key(t))).slice(0, 3)) console.log('  only python:', JSON.stringify({ ...t, prefix: t.prefix.slice(-120) }));
    for (const t of ours.filter((t) => !pythonKeys.has(key(t))).slice(0, 3)) console.log('  only typescript:', JSON.stringify({ ...t, prefix: t.prefix.slice(-120) }));
  }
}
const percent = (a: number, b: number): string => (b === 0 ? '-' : ((100 * a) / b).toFixed(3) + '%');
console.log(
  JSON.stringify(
    {
      files,
      identicalFiles,
      identicalFilesShare: percent(identicalFiles, files),
      pythonTasks,
      typescriptTasks,
      commonTasks,
      recallOfPythonTasks: percent(commonTasks, pythonTasks),
      precisionOfTypescriptTasks: percent(commonTasks, typescriptTasks),
    },
    null,
    2,
  ),
);
