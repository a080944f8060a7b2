import { joinPath, pathExists, writeFileDeep, type GitFs } from './fs.ts';
import type { RepoRecord } from './types.ts';

interface RegistryFile {
  version: 1;
  repos: RepoRecord[];
}

/**
 * The list of kept repositories, stored as a JSON file inside the same fs as the repositories themselves, so
 * the list and the objects survive (or vanish) together and reopen offline. Writes are serialised: the worker
 * may receive a removal while a clone is finishing.
 */
export class RepoRegistry {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: string;

  constructor(
    private readonly fs: GitFs,
    root: string,
  ) {
    this.file = joinPath(root, 'registry.json');
  }

  private async read(): Promise<RegistryFile> {
    if (!(await pathExists(this.fs, this.file))) return { version: 1, repos: [] };
    const parsed = JSON.parse(await this.fs.promises.readFile(this.file, 'utf8')) as Partial<RegistryFile>;
    return { version: 1, repos: Array.isArray(parsed.repos) ? parsed.repos : [] };
  }

  private async write(data: RegistryFile): Promise<void> {
    // Write then rename, so a crash mid-write leaves the previous list intact.
    const tmp = `${this.file}.tmp`;
    await writeFileDeep(this.fs, tmp, JSON.stringify(data, null, 1));
    if (await pathExists(this.fs, this.file)) await this.fs.promises.unlink(this.file);
    await this.fs.promises.rename(tmp, this.file);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Newest first. */
  list(): Promise<RepoRecord[]> {
    return this.serial(async () => [...(await this.read()).repos].sort((a, b) => b.clonedAt - a.clonedAt));
  }

  get(id: string): Promise<RepoRecord | undefined> {
    return this.serial(async () => (await this.read()).repos.find((r) => r.id === id));
  }

  put(record: RepoRecord): Promise<void> {
    return this.serial(async () => {
      const data = await this.read();
      data.repos = [...data.repos.filter((r) => r.id !== record.id), record];
      await this.write(data);
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(async () => {
      const data = await this.read();
      data.repos = data.repos.filter((r) => r.id !== id);
      await this.write(data);
    });
  }
}
