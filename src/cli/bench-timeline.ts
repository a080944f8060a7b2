/**
 * `npm run bench:timeline`: what one Evo timeline step costs against the size of its commit and of the repository
 * (issue 16), in Node with the app's code: the commit's diff (src/git/diff.ts over isomorphic-git), the changed
 * production files encoded (the Completer, onnxruntime-web WASM, one thread) and the Evo step.
 *
 *   npm run bench:timeline -- [--sizes 40,200,1000] [--changes 1,8,32] [--repeats 5] [--models public/models]
 *
 * For each repository size P (production files, 50 per package folder) a fixture history is built with git: the
 * snapshot, a warm-up commit, then for every repeat and every change size D a commit that edits D production files (new content each
 * time, so nothing comes from the vector cache). Prints medians per (P, D) and the ratios that answer the question:
 * the largest repository against the smallest at the same D, and the largest change against the smallest at the same
 * P. Writes benchmarks/timeline-steps.json. Never fails on speed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { Completer } from '../engine/completer/completer.ts';
import { MemoryVectorCache } from '../engine/completer/vector-cache.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { diffCommits } from '../git/diff.ts';
import type { GitFs } from '../git/fs.ts';
import { makeBareRepo, type FixtureCommit } from '../git/testing/fixture-repos.ts';
import { repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
// The timeline's own step input (the code the app runs for a commit's changes).
import { evoStepInput } from '../ui/store/evoStepInput.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '40,200,1000' },
    changes: { type: 'string', default: '1,8,32' },
    repeats: { type: 'string', default: '5' },
    models: { type: 'string', default: join(ROOT, 'public', 'models') },
    out: { type: 'string', default: join(ROOT, 'benchmarks', 'timeline-steps.json') },
  },
});
const numbers = (s: string | undefined): number[] => (s ?? '').split(',').filter(Boolean).map(Number);
const sizes = numbers(values.sizes);
const changeSizes = numbers(values.changes);
const repeats = Number(values.repeats);

// The repository size is in every file's text, so no blob is shared between the benchmark's repositories.
const moduleText = (files: number, i: number, version: number): string =>
  `"""Module ${i} of ${files}."""\n\nSCALE = ${version}\n\n\ndef value_${i}(x):\n    return (x + ${i}) * SCALE\n\n\n` +
  `class Thing${i}:\n    def __init__(self, n):\n        self.n = n\n\n    def total(self):\n        return value_${i}(self.n)\n`;
const modulePath = (i: number): string => `pkg/part_${Math.floor(i / 50)}/mod_${i}.py`;

/** The snapshot, then one commit per (repeat, change size) editing that many files with content never seen. */
function history(files: number): { commits: FixtureCommit[]; plan: { changed: number }[] } {
  const first: Record<string, string> = { 'tests/test_pkg.py': 'def test_one():\n    assert 1 == 1\n' };
  for (let i = 0; i < files; i++) first[modulePath(i)] = moduleText(files, i, 0);
  // A first change warms the code paths up and is not counted (changed: 0).
  const commits: FixtureCommit[] = [{ message: 'snapshot', files: first }, { message: 'warm-up', files: { [modulePath(0)]: moduleText(files, 0, -1) } }];
  const plan: { changed: number }[] = [{ changed: 0 }];
  let version = 1;
  for (let r = 0; r < repeats; r++) {
    for (const d of changeSizes) {
      const changed: Record<string, string> = {};
      const n = Math.min(d, files);
      for (let k = 0; k < n; k++) changed[modulePath((k * 7 + r) % files)] = moduleText(files, (k * 7 + r) % files, version);
      version++;
      commits.push({ message: `change ${n}`, files: changed });
      plan.push({ changed: n });
    }
  }
  return { commits, plan };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

interface Row {
  files: number;
  changed: number;
  diffMs: number;
  encodeMs: number;
  evoStepMs: number;
  totalMs: number;
  tokens: number;
}

ort.env.wasm.numThreads = 1;
const host = new ModelHost({ fetchFn: fetchWithFiles });
const completer = new Completer(host, new MemoryVectorCache());
await completer.prepare(manifestLocation(join(values.models ?? '', 'manifest.json')));
const work = mkdtempSync(join(tmpdir(), 'bench-timeline-'));
const rows: Row[] = [];
try {
  for (const files of sizes) {
    const { commits, plan } = history(files);
    const ids = makeBareRepo(work, `p${files}`, commits);
    const gitdir = join(work, `p${files}.git`);
    const repo = { fs: nodeFs as unknown as GitFs, gitdir, cache: {} };
    const snapshot = repositoryPythonFiles(gitdir, ids[0]).filter((f) => f.path.startsWith('pkg/'));
    await completer.encodeFiles(snapshot);
    let state = (await completer.evoStart(snapshot)).id;
    const samples = new Map<number, Row[]>();
    for (let c = 1; c < ids.length; c++) {
      const t0 = performance.now();
      const changes = await diffCommits(repo, ids[c - 1] as string, ids[c] as string);
      const t1 = performance.now();
      const input = evoStepInput(ids[c] as string, changes);
      const { tokens } = await completer.encodeFiles(input.files);
      const t2 = performance.now();
      state = (await completer.evoStep(state, input)).id;
      const t3 = performance.now();
      const changed = plan[c - 1]?.changed ?? 0;
      const row = { files, changed, diffMs: t1 - t0, encodeMs: t2 - t1, evoStepMs: t3 - t2, totalMs: t3 - t0, tokens };
      if (changed > 0) samples.set(changed, [...(samples.get(changed) ?? []), row]);
    }
    for (const [changed, list] of samples) {
      const pick = (k: keyof Row): number => median(list.map((r) => r[k]));
      rows.push({ files, changed, diffMs: pick('diffMs'), encodeMs: pick('encodeMs'), evoStepMs: pick('evoStepMs'), totalMs: pick('totalMs'), tokens: pick('tokens') });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await host.dispose();
}

const f = (x: number): string => x.toFixed(1);
console.log('| production files | files changed | tokens encoded | diff ms | encode ms | Evo step ms | total ms |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.files} | ${r.changed} | ${r.tokens} | ${f(r.diffMs)} | ${f(r.encodeMs)} | ${f(r.evoStepMs)} | ${f(r.totalMs)} |`);
const at = (files: number, changed: number): Row | undefined => rows.find((r) => r.files === files && r.changed === changed);
const [small, large] = [sizes[0] as number, sizes[sizes.length - 1] as number];
const [fewest, most] = [changeSizes[0] as number, changeSizes[changeSizes.length - 1] as number];
const ratios = {
  repository: Object.fromEntries(changeSizes.map((d) => [d, (at(large, d)?.totalMs ?? NaN) / (at(small, d)?.totalMs ?? NaN)])),
  change: Object.fromEntries(sizes.map((p) => [p, (at(p, most)?.totalMs ?? NaN) / (at(p, fewest)?.totalMs ?? NaN)])),
};
for (const d of changeSizes) console.log(`${d} files changed: ${large}-file repository / ${small}-file: ${f(ratios.repository[d] as number)}x`);
for (const p of sizes) console.log(`${p}-file repository: ${most} files changed / ${fewest}: ${f(ratios.change[p] as number)}x`);
writeFileSync(values.out ?? '', JSON.stringify({ date: new Date().toISOString(), repeats, rows, ratios }, null, 1) + '\n');
console.error(`wrote ${values.out}`);
