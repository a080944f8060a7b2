/**
 * Save a repository's adapter as files other tools load next to the same pretrained base (the CLI sibling of the
 * app's "Take the adapter with you"), in Node with the browser's engine:
 *
 *   npm run save-adapter -- --repo <path, git dir or tarball> [--method single|static] [--name REPO]
 *                           [--models public/models/base] [--out DIR]
 *
 * Writes <stem>.gguf (llama.cpp: `llama-cli -m <base>.gguf --lora <stem>.gguf`) and <stem>-peft/
 * (adapter_model.safetensors, adapter_config.json), each naming the repository, its commit, the method and the base
 * with its sha256. With the base set that is the single shared LoRA; Static needs a hypernetwork trained on the base
 * (models/export/adapters/make.py writes the same files from Python).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { Completer } from '../engine/completer/completer.ts';
import { isGitRepository, repositoryPythonFiles } from '../engine/completer/node/repo-files.ts';
import { FsVectorCache } from '../engine/completer/vector-cache-fs.ts';
import { ModelHost } from '../engine/model-host.ts';
import { fetchWithFiles, manifestLocation } from '../engine/node-fetch.ts';
import { repoPathProblem } from './repo-path.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS = ['single', 'static'] as const;

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    method: { type: 'string', default: 'single' },
    name: { type: 'string' },
    models: { type: 'string', default: join(ROOT, 'public', 'models', 'base') },
    out: { type: 'string', default: '.' },
  },
});

function fail(message: string): never {
  console.error(`save-adapter: ${message}`);
  process.exit(2);
}

if (!values.repo) fail('--repo <path, git dir or tarball> is required');
const repo = resolve(values.repo);
const problem = repoPathProblem(repo);
if (problem) fail(problem);
const method = values.method as (typeof METHODS)[number];
if (!METHODS.includes(method)) fail(`unknown method "${values.method}" (one of ${METHODS.join(', ')})`);
const name = values.name ?? basename(repo).replace(/\.git$/, '');
const commit = isGitRepository(repo) ? execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD']).toString().trim() : 'worktree';

ort.env.wasm.numThreads = 1;
const host = new ModelHost({ fetchFn: fetchWithFiles });
const completer = new Completer(host, new FsVectorCache(join(ROOT, '.cache', 'file-vectors')));
try {
  await completer.prepare(manifestLocation(join(resolve(values.models ?? ''), 'manifest.json')));
  const id = method === 'single' ? 'single' : (await completer.adapterFromFiles(repositoryPythonFiles(repo))).id;
  const files = await completer.adapterFiles(id, { repository: name, commit });
  const out = resolve(values.out ?? '.');
  const peft = join(out, `${files.stem}-peft`);
  mkdirSync(peft, { recursive: true });
  writeFileSync(join(out, `${files.stem}.gguf`), files.gguf);
  writeFileSync(join(peft, 'adapter_model.safetensors'), files.safetensors);
  writeFileSync(join(peft, 'adapter_config.json'), files.adapterConfig);
  console.log(`wrote ${join(out, `${files.stem}.gguf`)} and ${peft}/`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await host.dispose();
}
