import git, { type GitProgressEvent, type HttpClient } from 'isomorphic-git';
import type { GitApi } from './api.ts';
import { DEMO_INDEX_FILE, parseDemoIndex, unpackDemo } from './demo-bundle.ts';
import { diffCommits } from './diff.ts';
import { findProxyRefusal, type ProxyRefusal } from '../proxy/errors.ts';
import { GitError, errorFromProxyRefusal, toGitError } from './errors.ts';
import { flushFs, joinPath, makeDirs, pathExists, removeTree, type GitFs } from './fs.ts';
import { guardHttp } from './guarded-http.ts';
import { quoteInput } from './quote.ts';
import { DEFAULT_IMPORT_LIMITS, checkImportable, collectImportFiles, type ImportLimits, type LocalImportSource, writeImportedRepo } from './local-import.ts';
import { firstParentLog, readShallowBoundary, resolveCommit } from './history.ts';
import { byteProgressReporter, isClientPhase, toCloneProgress } from './progress.ts';
import { RepoRegistry } from './registry.ts';
import { demoRepoId, localRepoId, repoIdFor } from './repo-id.ts';
import type { RepoHandle } from './repo-handle.ts';
import { listCommitFiles, readBlobText } from './tree.ts';
import type { CloneOptions, CloneProgress, CommitInfo, FileChange, ImportProgress, RepoRecord, TreeEntry } from './types.ts';
import { repoDisplayName } from './url.ts';

export interface GitServiceDeps {
  fs: GitFs;
  /** isomorphic-git/http/web in the browser, isomorphic-git/http/node in Node. */
  http: HttpClient;
  /** Directory of the fs that holds everything of ours: registry.json, repos/, staging/. */
  root: string;
  /** Reads a file of the bundled demo folder (public/demo/ in the app). */
  loadDemoFile(name: string): Promise<Uint8Array>;
  /** Download cap per clone or fetch (bytes). */
  maxBytes?: number;
  /** Size rules of a local folder or zip import. */
  importLimits?: ImportLimits;
  now?: () => number;
}

const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const DEFAULT_LOG_LIMIT = 100_000;

function checkCloneUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitError('bad-url', `Not a repository URL: ${quoteInput(url)}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new GitError('bad-url', `Only http(s) git URLs can be cloned in the browser, not ${quoteInput(url)}.`);
  }
}

/**
 * The git layer behind GitApi, over an injected fs and HTTP client: the same code runs in the browser's git
 * worker (LightningFS, fetch) and in Node tests (node:fs, http/node).
 */
export function createGitService(deps: GitServiceDeps): GitApi {
  const { fs, http, root } = deps;
  const now = deps.now ?? Date.now;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const registry = new RepoRegistry(fs, root);
  const inFlight = new Set<AbortController>();
  const caches = new Map<string, object>();
  let stagingCounter = 0;

  const repoDir = (id: string): string => joinPath(root, 'repos', id);
  // Half-written clones of an earlier session (a tab closed mid-clone) are removed before the first new one.
  let leftoversRemoved: Promise<void> | null = null;
  const removeLeftovers = (): Promise<void> =>
    (leftoversRemoved ??= removeTree(fs, joinPath(root, 'staging')).catch(() => undefined));
  const newStagingDir = (id: string): string => joinPath(root, 'staging', `${id}-${now()}-${stagingCounter++}`);

  function handleFor(id: string): RepoHandle {
    let cache = caches.get(id);
    if (!cache) {
      cache = {};
      caches.set(id, cache);
    }
    return { fs, gitdir: joinPath(repoDir(id), '.git'), cache };
  }

  async function openRepo(id: string): Promise<{ record: RepoRecord; repo: RepoHandle }> {
    const record = await registry.get(id);
    if (!record) throw new GitError('not-cloned', `No kept repository with id "${id}".`);
    return { record, repo: handleFor(id) };
  }

  /** Moves a finished staging directory into place (replacing an older copy) and registers it. */
  async function install(staging: string, record: RepoRecord): Promise<RepoRecord> {
    const target = repoDir(record.id);
    caches.delete(record.id);
    await removeTree(fs, target);
    await makeDirs(fs, joinPath(root, 'repos'));
    await fs.promises.rename(staging, target);
    await registry.put(record);
    await flushFs(fs);
    return record;
  }

  /** Runs one network operation with its own AbortController, registered so that cancel() reaches it. */
  async function withAbort<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    inFlight.add(controller);
    try {
      return await job(controller.signal);
    } finally {
      inFlight.delete(controller);
    }
  }

  /**
   * Progress callbacks for one operation. The remote's messages are watched for our proxy's mid-stream refusal
   * (a marked git error line): when the proxy cuts a pack at its size cap, that line says why, and it must win
   * over the dropped connection that follows it.
   */
  function progressHandlers(signal: AbortSignal, report: (p: CloneProgress) => void) {
    let refusal: ProxyRefusal | null = null;
    const onMessage = (line: string): void => {
      refusal ??= findProxyRefusal(line);
    };
    const failure = (err: unknown, url: string): GitError => {
      if (signal.aborted) return new GitError('cancelled', 'Cancelled.');
      return refusal ? errorFromProxyRefusal(refusal) : toGitError(err, url);
    };
    const onProgress = (p: CloneProgress): void => {
      try {
        report(p);
      } catch {
        // a closed progress channel (e.g. a released comlink proxy) must not break the clone
      }
    };
    const onBytes = byteProgressReporter(onProgress);
    const onGitProgress = async (event: GitProgressEvent): Promise<void> => {
      // isomorphic-git awaits its own phases (pack indexing), so throwing there stops the CPU-heavy part; the
      // server's progress lines are not awaited, and a throw there would only be an unhandled rejection.
      if (signal.aborted && isClientPhase(event.phase)) throw new GitError('cancelled', 'Cancelled.');
      onProgress(toCloneProgress(event));
    };
    return { onBytes, onGitProgress, onMessage, onProgress, failure };
  }

  async function clone(opts: CloneOptions, onProgress: (p: CloneProgress) => void): Promise<RepoRecord> {
    checkCloneUrl(opts.url);
    await removeLeftovers();
    const id = repoIdFor(opts.url, opts.ref);
    return withAbort(async (signal) => {
      const staging = newStagingDir(id);
      const { onBytes, onGitProgress, onMessage, onProgress: report, failure } = progressHandlers(signal, onProgress);
      try {
        report({ stage: 'connecting', loaded: 0, total: 0, message: `Connecting to ${opts.url}` });
        await makeDirs(fs, staging);
        await git.clone({
          fs,
          http: guardHttp(http, { signal, maxBytes, onBytes }),
          dir: staging,
          url: opts.url,
          ...(opts.corsProxy ? { corsProxy: opts.corsProxy } : {}),
          ...(opts.ref ? { ref: opts.ref } : {}),
          ...(opts.depth ? { depth: opts.depth } : {}),
          singleBranch: true,
          noTags: true,
          noCheckout: true,
          cache: {},
          onProgress: onGitProgress,
          onMessage,
        });
        if (signal.aborted) throw new GitError('cancelled', 'Cancelled.');
        const repo: RepoHandle = { fs, gitdir: joinPath(staging, '.git'), cache: {} };
        const head = await resolveCommit(repo, 'HEAD');
        const branch = await git.currentBranch({ fs, gitdir: repo.gitdir, fullname: false });
        const shallow = await readShallowBoundary(repo);
        const record: RepoRecord = {
          id,
          url: opts.url,
          name: repoDisplayName(opts.url),
          head,
          ref: opts.ref ?? branch ?? 'HEAD',
          depth: shallow.size > 0 ? (opts.depth ?? null) : null,
          clonedAt: now(),
          source: 'remote',
          ...(opts.corsProxy ? { corsProxy: opts.corsProxy } : {}),
        };
        await install(staging, record);
        report({ stage: 'done', loaded: 1, total: 1, message: `Cloned ${record.name}` });
        return record;
      } catch (err) {
        await removeTree(fs, staging).catch(() => undefined);
        await flushFs(fs).catch(() => undefined);
        throw failure(err, opts.url);
      }
    });
  }

  async function deepen(repoId: string, depth: number, onProgress: (p: CloneProgress) => void): Promise<number> {
    const { record, repo } = await openRepo(repoId);
    const countCommits = async (): Promise<number> => (await firstParentLog(repo, 'HEAD', depth)).length;
    if ((await readShallowBoundary(repo)).size === 0) return countCommits(); // the whole history is here already
    return withAbort(async (signal) => {
      const { onBytes, onGitProgress, onMessage, onProgress: report, failure } = progressHandlers(signal, onProgress);
      try {
        report({ stage: 'connecting', loaded: 0, total: 0, message: `Fetching more history of ${record.name}` });
        await git.fetch({
          fs,
          http: guardHttp(http, { signal, maxBytes, onBytes }),
          gitdir: repo.gitdir,
          url: record.url,
          ...(record.corsProxy ? { corsProxy: record.corsProxy } : {}),
          ref: record.ref,
          depth,
          singleBranch: true,
          tags: false,
          cache: repo.cache,
          onProgress: onGitProgress,
          onMessage,
        });
        if (signal.aborted) throw new GitError('cancelled', 'Cancelled.');
      } catch (err) {
        throw failure(err, record.url);
      }
      const stillShallow = (await readShallowBoundary(repo)).size > 0;
      await registry.put({ ...record, depth: stillShallow ? depth : null });
      await flushFs(fs);
      report({ stage: 'done', loaded: 1, total: 1, message: `History of ${record.name} deepened` });
      return countCommits();
    });
  }

  async function importLocal(source: LocalImportSource, onProgress: (p: ImportProgress) => void): Promise<RepoRecord> {
    const report = (p: ImportProgress): void => {
      try {
        onProgress(p);
      } catch {
        // a closed progress channel must not break the import
      }
    };
    await removeLeftovers();
    return withAbort(async (signal) => {
      report({ stage: 'reading', loaded: 0, total: 0, message: `Reading ${source.name}` });
      let collected;
      try {
        collected = await collectImportFiles(source, deps.importLimits ?? DEFAULT_IMPORT_LIMITS);
      } catch (err) {
        throw toGitError(err);
      }
      // Refused before anything is written: empty, everything skipped, no Python files.
      checkImportable(collected);
      const id = localRepoId(collected.name);
      const staging = newStagingDir(id);
      try {
        const gitdir = joinPath(staging, '.git');
        const written = await writeImportedRepo(fs, gitdir, collected, {
          timestamp: Math.floor(now() / 1000),
          onProgress: report,
          signal,
        });
        if (signal.aborted) throw new GitError('cancelled', 'Cancelled.');
        const record = await install(staging, {
          id,
          url: `local://${collected.name}`,
          name: collected.name,
          head: written.head,
          ref: 'main',
          depth: null,
          clonedAt: now(),
          source: 'local',
        });
        report({ stage: 'done', loaded: written.written, total: collected.files.length, message: `Imported ${written.written} files of ${record.name}` });
        return record;
      } catch (err) {
        await removeTree(fs, staging).catch(() => undefined);
        await flushFs(fs).catch(() => undefined);
        throw signal.aborted ? new GitError('cancelled', 'Cancelled.') : toGitError(err);
      }
    });
  }

  async function openDemo(name: string): Promise<RepoRecord> {
    const id = demoRepoId(name);
    const existing = await registry.get(id);
    const kept = existing && (await pathExists(fs, joinPath(repoDir(id), '.git', 'HEAD'))) ? existing : null;
    let index;
    try {
      index = parseDemoIndex(new TextDecoder().decode(await deps.loadDemoFile(DEMO_INDEX_FILE)));
    } catch (err) {
      if (kept) return kept; // the static files are out of reach, but the kept copy is all we need
      throw toGitError(err);
    }
    const entry = index.demos.find((d) => d.name === name);
    // Reuse the kept copy unless the app now bundles a different history (an updated demo).
    if (kept && (!entry || entry.head === kept.head)) return kept;
    if (!entry) throw new GitError('not-cloned', `No bundled demo repository named "${name}".`);
    await removeLeftovers();
    const staging = newStagingDir(id);
    try {
      await unpackDemo(fs, await deps.loadDemoFile(entry.file), joinPath(staging, '.git'));
      const head = await resolveCommit({ fs, gitdir: joinPath(staging, '.git'), cache: {} }, 'HEAD');
      if (head !== entry.head) throw new GitError('unknown', `Demo bundle "${name}" is inconsistent: HEAD ${head}, index says ${entry.head}.`);
      return await install(staging, {
        id,
        url: `demo://${entry.name}`,
        name: entry.title,
        head,
        ref: entry.ref,
        depth: null,
        clonedAt: now(),
        source: 'demo',
      });
    } catch (err) {
      await removeTree(fs, staging).catch(() => undefined);
      throw toGitError(err);
    }
  }

  /** Read-only calls: classify failures the same way as the network ones. */
  async function reading<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } catch (err) {
      // A missing object or ref in a kept copy: a commit beyond the shallow boundary, or a wrong id.
      if ((err as { code?: unknown } | null)?.code === 'NotFoundError') {
        throw new GitError('not-cloned', `${(err as Error).message} (not in the kept copy; deepen the history?)`);
      }
      throw toGitError(err);
    }
  }

  return {
    clone,
    deepen,
    importLocal,
    openDemo,
    async cancel(): Promise<void> {
      for (const controller of inFlight) controller.abort();
    },
    listRepos: () => registry.list(),
    async removeRepo(id: string): Promise<void> {
      await registry.remove(id);
      caches.delete(id);
      await removeTree(fs, repoDir(id));
      await flushFs(fs);
    },
    listFiles: (repoId: string, commitOid: string): Promise<TreeEntry[]> =>
      reading(async () => listCommitFiles((await openRepo(repoId)).repo, commitOid)),
    readText: (repoId: string, oid: string): Promise<string | null> =>
      reading(async () => readBlobText((await openRepo(repoId)).repo, oid)),
    log: (repoId: string, limit = DEFAULT_LOG_LIMIT, ref = 'HEAD'): Promise<CommitInfo[]> =>
      reading(async () => firstParentLog((await openRepo(repoId)).repo, ref, limit)),
    diff: (repoId: string, from: string | null, to: string): Promise<FileChange[]> =>
      reading(async () => diffCommits((await openRepo(repoId)).repo, from, to)),
  };
}
