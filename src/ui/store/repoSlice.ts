import type { StateCreator } from 'zustand';
import type { CloneProgress, RepoRecord, TreeEntry } from '../../git/types.ts';
import { gitService } from '../services/git.ts';
import { describeError, type UserError } from '../errors.ts';
import type { AppState } from './index.ts';

export type JobStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface CloneJob {
  status: JobStatus;
  url: string;
  progress: CloneProgress | null;
  error: UserError | null;
}

export interface RepoSlice {
  repos: RepoRecord[];
  /** False until the start-up restore has finished, so the start screen does not flash before a reopen. */
  started: boolean;
  activeRepo: RepoRecord | null;
  files: TreeEntry[];
  selectedPath: string | null;
  selectedText: string | null;
  cloneJob: CloneJob;
  /** An error not tied to the clone job (opening, reading); shown in the workspace. */
  repoError: UserError | null;
  refreshRepos(): Promise<void>;
  /** At start-up: reopen the repository that was open before the reload, if it is still kept. */
  restoreLastRepo(): Promise<void>;
  startClone(input: string): Promise<void>;
  cancelClone(): Promise<void>;
  openRepo(repo: RepoRecord): Promise<void>;
  openDemo(name: string): Promise<void>;
  closeRepo(): void;
  selectFile(path: string): Promise<void>;
}

const LAST_REPO_KEY = 'code2lora.lastRepo';

const idleJob: CloneJob = { status: 'idle', url: '', progress: null, error: null };

export const createRepoSlice: StateCreator<AppState, [], [], RepoSlice> = (set, get) => ({
  repos: [],
  started: false,
  activeRepo: null,
  files: [],
  selectedPath: null,
  selectedText: null,
  cloneJob: idleJob,
  repoError: null,

  async refreshRepos() {
    try {
      const repos = await gitService().listRepos();
      set({ repos });
    } catch (e) {
      set({ repoError: describeError(e) });
    }
  },

  async restoreLastRepo() {
    await get().refreshRepos();
    const lastId = globalThis.localStorage?.getItem(LAST_REPO_KEY);
    const repo = get().repos.find((r) => r.id === lastId);
    try {
      if (repo && !get().activeRepo) await get().openRepo(repo);
    } finally {
      set({ started: true });
    }
  },

  async startClone(input) {
    if (get().cloneJob.status === 'running') return;
    set({ cloneJob: { status: 'running', url: input, progress: null, error: null } });
    try {
      const { settings } = get();
      const repo = await gitService().cloneUrl(input, { corsProxy: settings.corsProxy, depth: settings.cloneDepth },
        (progress) => set((s) => ({ cloneJob: { ...s.cloneJob, progress } })));
      set((s) => ({ cloneJob: { ...s.cloneJob, status: 'done' } }));
      await get().refreshRepos();
      await get().openRepo(repo);
    } catch (e) {
      const error = describeError(e);
      set((s) => ({ cloneJob: { ...s.cloneJob, status: error.code === 'cancelled' ? 'cancelled' : 'failed', error } }));
    }
  },

  async cancelClone() {
    await gitService().cancel();
  },

  async openRepo(repo) {
    globalThis.localStorage?.setItem(LAST_REPO_KEY, repo.id);
    set({ activeRepo: repo, files: [], selectedPath: null, selectedText: null, repoError: null });
    try {
      const files = await gitService().listFiles(repo.id, repo.head);
      if (get().activeRepo?.id === repo.id) set({ files });
    } catch (e) {
      set({ repoError: describeError(e) });
    }
  },

  async openDemo(name) {
    set({ repoError: null });
    try {
      const repo = await gitService().openDemo(name);
      await get().refreshRepos();
      await get().openRepo(repo);
    } catch (e) {
      set({ repoError: describeError(e) });
    }
  },

  closeRepo() {
    globalThis.localStorage?.removeItem(LAST_REPO_KEY);
    set({ activeRepo: null, files: [], selectedPath: null, selectedText: null, cloneJob: idleJob });
  },

  async selectFile(path) {
    const repo = get().activeRepo;
    const entry = get().files.find((f) => f.path === path);
    if (!repo || !entry) return;
    set({ selectedPath: path, selectedText: null });
    try {
      const text = await gitService().readText(repo.id, entry.oid);
      if (get().selectedPath === path) set({ selectedText: text ?? '(binary file)' });
    } catch (e) {
      set({ repoError: describeError(e) });
    }
  },
});
