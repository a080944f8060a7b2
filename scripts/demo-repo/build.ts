/**
 * Builds the demo repositories from their patch series (scripts/demo-repo/<name>/*.patch, made with
 * `git format-patch`) with the git CLI, and writes the app's offline bundle: per repository a zip of its bare
 * git directory, plus an index. Authors, committers and dates come from the patches, so commit ids are the
 * same on every machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { DEMO_INDEX_FILE, isBundledGitPath, type DemoEntry, type DemoIndex } from '../../src/git/demo-bundle.ts';

export interface DemoSource {
  name: string;
  title: string;
  description: string;
  /** Folder of the patch series. */
  patchDir: string;
}

const HERE = new URL('.', import.meta.url).pathname;

export const DEMO_SOURCES: DemoSource[] = [
  {
    name: 'unitkit',
    title: 'unitkit',
    description:
      'A small units-and-quantities library: 18 commits that add modules, rename APIs and add pytest, unittest, ' +
      'pytest.raises, pytest.approx and numpy.testing assertions.',
    patchDir: join(HERE, 'unitkit'),
  },
];

/** git with none of the machine's configuration. */
function git(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      LANG: 'C',
      TZ: 'UTC',
      ...extraEnv,
    },
  }).trim();
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

/** The patches' author becomes the committer as well, with the author's date. */
function authorOf(patch: string): { name: string; email: string } {
  const m = /^From: (.+?) <([^>]+)>$/m.exec(readFileSync(patch, 'utf8'));
  if (!m) throw new Error(`${patch}: no From: line`);
  return { name: m[1]!, email: m[2]! };
}

/** Applies the patch series into a fresh repository at `workDir`; returns the commit ids, oldest first. */
export function applyPatchSeries(source: DemoSource, workDir: string): string[] {
  const patches = readdirSync(source.patchDir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => join(source.patchDir, f));
  if (patches.length === 0) throw new Error(`no patches in ${source.patchDir}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  git(workDir, ['init', '-q', '-b', 'main']);
  const ids: string[] = [];
  for (const patch of patches) {
    const author = authorOf(patch);
    git(workDir, ['am', '-q', '--committer-date-is-author-date', '--no-3way', patch], {
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    });
    ids.push(git(workDir, ['rev-parse', 'HEAD']));
  }
  return ids;
}

/** The bare repository's files that a browser copy needs, zipped deterministically (fixed dates, sorted). */
export function zipBareRepo(bareDir: string): Uint8Array {
  const files: Zippable = {};
  const fixedDate = new Date(Date.UTC(2024, 0, 1));
  for (const full of filesUnder(bareDir).sort()) {
    const path = relative(bareDir, full).split('\\').join('/');
    if (!isBundledGitPath(path)) continue;
    // Pack files are already compressed; storing them saves time for nothing lost.
    const level = path.startsWith('objects/pack/') ? 0 : 6;
    files[path] = [new Uint8Array(readFileSync(full)), { level, mtime: fixedDate }];
  }
  return zipSync(files);
}

export interface BuiltDemo {
  entry: DemoEntry;
  /** The bare repository (served by the test git server as `<servedRoot>/<entry.servedAs>`). */
  bareDir: string;
  /** Commit ids, oldest first. */
  commits: string[];
}

/**
 * Builds one demo: applies its patches, makes a bare copy with a single pack (`git clone --bare --no-local`),
 * and returns its index entry. `servedRoot` is the folder of bare repositories a test git server can serve.
 */
export function buildDemo(source: DemoSource, workRoot: string, servedRoot: string): BuiltDemo {
  const workDir = join(workRoot, `${source.name}-work`);
  const commits = applyPatchSeries(source, workDir);
  const servedAs = `${source.name}.git`;
  const bareDir = join(servedRoot, servedAs);
  // Built aside and swapped in, so a test git server serving the old copy is not left with half a repository.
  const fresh = join(workRoot, servedAs);
  git(workRoot, ['clone', '-q', '--bare', '--no-local', workDir, fresh]);
  git(fresh, ['pack-refs', '--all']);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(servedRoot, { recursive: true });
  rmSync(bareDir, { recursive: true, force: true });
  renameSync(fresh, bareDir);
  const head = git(bareDir, ['rev-parse', 'HEAD']);
  return {
    bareDir,
    commits,
    entry: {
      name: source.name,
      title: source.title,
      description: source.description,
      file: `${source.name}.zip`,
      head,
      ref: 'main',
      commits: commits.length,
      servedAs,
    },
  };
}

export interface DemoBuildResult {
  demos: BuiltDemo[];
  /** Folder holding the bare repositories (`<name>.git`). */
  servedRoot: string;
  outDir: string;
}

/**
 * Builds every demo into `cacheDir` and writes `outDir/index.json` plus one zip per demo. Output goes to a
 * temporary folder first and replaces `outDir` in one rename, so a dev server never sees half a bundle.
 */
export function buildDemoBundle(cacheDir: string, outDir: string, sources: DemoSource[] = DEMO_SOURCES): DemoBuildResult {
  const stamp = `${process.pid}-${Date.now()}`;
  const workRoot = join(cacheDir, `work-${stamp}`);
  const servedRoot = join(cacheDir, 'served');
  const staging = `${outDir}.tmp-${stamp}`;
  mkdirSync(workRoot, { recursive: true });
  mkdirSync(staging, { recursive: true });
  try {
    const demos = sources.map((s) => buildDemo(s, workRoot, servedRoot));
    for (const d of demos) writeFileSync(join(staging, d.entry.file), zipBareRepo(d.bareDir));
    const index: DemoIndex = { version: 1, demos: demos.map((d) => d.entry) };
    writeFileSync(join(staging, DEMO_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    const old = `${outDir}.old-${stamp}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
    rmSync(old, { recursive: true, force: true });
    return { demos, servedRoot, outDir };
  } finally {
    rmSync(workRoot, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
