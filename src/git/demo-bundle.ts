import { unzipSync } from 'fflate';
import { joinPath, makeDirs, writeFileDeep, type GitFs } from './fs.ts';

/**
 * The offline bundle of demo repositories in `public/demo/`, written by scripts/make-demo-repo.ts: an index
 * plus, per repository, a zip of its bare git directory (HEAD, config, packed-refs, objects/pack/*).
 */
export const DEMO_INDEX_FILE = 'index.json';

export interface DemoEntry {
  /** Id-safe name, e.g. "unitkit". */
  name: string;
  title: string;
  description: string;
  /** Zip file name, relative to the demo folder. */
  file: string;
  /** Commit id of the branch tip; the generator fixes dates and authors, so it is the same on every machine. */
  head: string;
  /** Branch name. */
  ref: string;
  commits: number;
  /** Where the test git server serves the same repository (a path under its root, e.g. "unitkit.git"). */
  servedAs: string;
}

export interface DemoIndex {
  version: 1;
  demos: DemoEntry[];
}

export function parseDemoIndex(text: string): DemoIndex {
  const parsed = JSON.parse(text) as Partial<DemoIndex>;
  if (parsed.version !== 1 || !Array.isArray(parsed.demos)) throw new Error('demo index: unknown format');
  return { version: 1, demos: parsed.demos };
}

/** Only what a bare repository needs to be read; hooks and samples are never bundled. */
export function isBundledGitPath(path: string): boolean {
  return path === 'HEAD' || path === 'config' || path === 'packed-refs' || path === 'shallow' || path.startsWith('objects/') || path.startsWith('refs/');
}

/** Writes the zipped git directory into `gitdir`. */
export async function unpackDemo(fs: GitFs, zip: Uint8Array, gitdir: string): Promise<void> {
  const files = unzipSync(zip);
  for (const [path, data] of Object.entries(files)) {
    if (path.endsWith('/') || !isBundledGitPath(path) || path.split('/').includes('..')) continue;
    await writeFileDeep(fs, joinPath(gitdir, path), data);
  }
  for (const dir of ['refs/heads', 'refs/tags', 'objects/pack', 'objects/info']) {
    await makeDirs(fs, joinPath(gitdir, dir));
  }
}
